using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Outpost.Scenarios.Infrastructure;

/// <summary>
/// A collector on loopback that takes OTLP over HTTP (<c>POST /v1/traces</c>, <c>/v1/metrics</c>, protobuf)
/// and keeps the spans it is sent, read straight off the wire format of opentelemetry-proto's
/// <c>ExportTraceServiceRequest</c> (resource spans → scope spans → span: ids, parent, name, attributes,
/// links). Just enough of protobuf to see what Outpost exported, without generated classes.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    public sealed record Span(string TraceId, string SpanId, string ParentSpanId, string Name, string Scope,
        IReadOnlyDictionary<string, string> Attributes, IReadOnlyList<(string TraceId, string SpanId)> Links);

    readonly HttpListener _listener = new();
    readonly Task _loop;
    readonly ConcurrentQueue<Span> _spans = new();
    int _metricExports;

    public int Port { get; }
    public Uri Endpoint => new($"http://127.0.0.1:{Port}");
    public IReadOnlyList<Span> Spans => _spans.ToArray();
    public int MetricExports => Volatile.Read(ref _metricExports);

    OtlpReceiver(int port)
    {
        Port = port;
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public static OtlpReceiver Start() => new(Ports.Free("127.0.0.1"));

    async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            try
            {
                if (context.Request.Url?.AbsolutePath == "/v1/traces")
                    foreach (var span in ReadTraces(body.ToArray()))
                        _spans.Enqueue(span);
                else if (context.Request.Url?.AbsolutePath == "/v1/metrics")
                    Interlocked.Increment(ref _metricExports);
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/x-protobuf";
            }
            catch (FormatException)
            {
                context.Response.StatusCode = 400;
            }
            context.Response.Close();
        }
    }

    static IEnumerable<Span> ReadTraces(byte[] request)
    {
        foreach (var resourceSpans in Fields(request).Where(f => f.Number == 1))
            foreach (var scopeSpans in Fields(resourceSpans.Bytes).Where(f => f.Number == 2))
            {
                var scopeFields = Fields(scopeSpans.Bytes).ToList();
                var scope = scopeFields.Where(f => f.Number == 1).Select(f => Text(Fields(f.Bytes).FirstOrDefault(s => s.Number == 1).Bytes)).FirstOrDefault() ?? "";
                foreach (var span in scopeFields.Where(f => f.Number == 2))
                    yield return ReadSpan(span.Bytes, scope);
            }
    }

    static Span ReadSpan(byte[] bytes, string scope)
    {
        string traceId = "", spanId = "", parent = "", name = "";
        var attributes = new Dictionary<string, string>();
        var links = new List<(string, string)>();
        foreach (var field in Fields(bytes))
            switch (field.Number)
            {
                case 1: traceId = Convert.ToHexStringLower(field.Bytes); break;
                case 2: spanId = Convert.ToHexStringLower(field.Bytes); break;
                case 4: parent = Convert.ToHexStringLower(field.Bytes); break;
                case 5: name = Text(field.Bytes); break;
                case 9:
                    var (key, value) = KeyValue(field.Bytes);
                    attributes[key] = value;
                    break;
                case 13:
                    var link = Fields(field.Bytes).ToList();
                    links.Add((Convert.ToHexStringLower(link.FirstOrDefault(f => f.Number == 1).Bytes ?? []),
                        Convert.ToHexStringLower(link.FirstOrDefault(f => f.Number == 2).Bytes ?? [])));
                    break;
            }
        return new Span(traceId, spanId, parent, name, scope, attributes, links);
    }

    /// <summary>A KeyValue: its key, and its AnyValue as text (string, bool, int or double).</summary>
    static (string, string) KeyValue(byte[] bytes)
    {
        var key = "";
        var value = "";
        foreach (var field in Fields(bytes))
            if (field.Number == 1)
                key = Text(field.Bytes);
            else if (field.Number == 2)
                foreach (var any in Fields(field.Bytes))
                    value = any.Number switch
                    {
                        1 => Text(any.Bytes),
                        2 => any.Varint != 0 ? "true" : "false",
                        3 => ((long)any.Varint).ToString(System.Globalization.CultureInfo.InvariantCulture),
                        4 => BitConverter.Int64BitsToDouble((long)any.Varint).ToString(System.Globalization.CultureInfo.InvariantCulture),
                        _ => value,
                    };
        return (key, value);
    }

    static string Text(byte[]? bytes) => bytes is null ? "" : Encoding.UTF8.GetString(bytes);

    readonly record struct Field(int Number, ulong Varint, byte[] Bytes);

    /// <summary>The fields of one protobuf message: varints and fixed numbers as numbers, length-delimited ones as bytes.</summary>
    static IEnumerable<Field> Fields(byte[]? message)
    {
        if (message is null)
            yield break;
        var at = 0;
        while (at < message.Length)
        {
            var tag = ReadVarint(message, ref at);
            var number = (int)(tag >> 3);
            switch (tag & 7)
            {
                case 0:
                    yield return new Field(number, ReadVarint(message, ref at), []);
                    break;
                case 1:
                    Need(message, at, 8);
                    yield return new Field(number, BitConverter.ToUInt64(message, at), []);
                    at += 8;
                    break;
                case 2:
                    var length = (int)ReadVarint(message, ref at);
                    Need(message, at, length);
                    yield return new Field(number, 0, message[at..(at + length)]);
                    at += length;
                    break;
                case 5:
                    Need(message, at, 4);
                    yield return new Field(number, BitConverter.ToUInt32(message, at), []);
                    at += 4;
                    break;
                default:
                    throw new FormatException($"Wire type {tag & 7} is not one OTLP uses.");
            }
        }
    }

    static void Need(byte[] message, int at, int count)
    {
        if (count < 0 || at + count > message.Length)
            throw new FormatException("A field runs past the end of the message.");
    }

    static ulong ReadVarint(byte[] message, ref int at)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            Need(message, at, 1);
            var b = message[at++];
            value |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
                return value;
        }
        throw new FormatException("A varint is longer than ten bytes.");
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}
