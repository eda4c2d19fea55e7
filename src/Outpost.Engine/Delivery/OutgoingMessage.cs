using System.Buffers;
using MimeKit;
using Outpost.Engine.Queue;
using Outpost.Engine.Signing;
using Outpost.Engine.Spool;

namespace Outpost.Engine.Delivery;

/// <summary>
/// A queued message made ready for one send: the bytes that go out (the spool file as it is, or for a
/// server without 8BITMIME a 7-bit copy), the DKIM-Signature fields that go in front of them, and whether
/// the bytes hold 8-bit data (BODY=8BITMIME). The spool file is never parsed on this path unless it must
/// be re-encoded; the signature covers exactly the bytes sent.
/// </summary>
internal sealed class OutgoingMessage : IDisposable
{
    OutgoingMessage(Stream content, byte[] signature, bool eightBit)
    {
        Content = content;
        Signature = signature;
        EightBit = eightBit;
    }

    /// <summary>The message bytes, at their start.</summary>
    public Stream Content { get; }

    /// <summary>The DKIM-Signature fields, each ending in CRLF; empty when the message is not signed.</summary>
    public byte[] Signature { get; }

    public bool EightBit { get; }

    /// <summary>Reads the body of <paramref name="message"/> from the body store; signs it for the sender's domain unless it is a bounce (null sender).</summary>
    /// <exception cref="FormatException">The message has to be re-encoded and cannot be parsed.</exception>
    /// <param name="scratch">Where a 7-bit copy may be written for the time of the send (a private file beside the spool's).</param>
    public static async Task<OutgoingMessage> PrepareAsync(QueuedMessage message, bool serverTakesEightBit, MessageSigner signer, IMessageBodyStore bodies, MessageSpool scratch,
        CancellationToken cancellationToken)
    {
        // Every reader here takes 32 KB at a time: the body store adds no buffer in between.
        Stream content = await bodies.OpenReadAsync(message.Id, cancellationToken);
        try
        {
            var eightBit = HasEightBit(content);
            if (eightBit && !serverTakesEightBit)
            {
                // Re-encode before signing, never after: the signature covers exactly what the server receives.
                var sevenBit = SevenBitCopy(content, scratch.PathFor(message.Id), cancellationToken);
                await content.DisposeAsync();
                content = sevenBit;
                eightBit = HasEightBit(content);
            }
            content.Position = 0;
            byte[] signature = [];
            if (message.Sender.Length > 0)
            {
                signature = await signer.SignatureFieldsAsync(content, message.Sender[(message.Sender.IndexOf('@') + 1)..], cancellationToken);
                content.Position = 0;
            }
            return new OutgoingMessage(content, signature, eightBit);
        }
        catch
        {
            await content.DisposeAsync();
            throw;
        }
    }

    /// <summary>Whether any byte has the high bit set (8-bit text in the body or, with SMTPUTF8, in the headers).</summary>
    static bool HasEightBit(Stream content)
    {
        content.Position = 0;
        var buffer = ArrayPool<byte>.Shared.Rent(32 * 1024);
        try
        {
            int read;
            while ((read = content.Read(buffer, 0, buffer.Length)) > 0)
            {
                if (buffer.AsSpan(0, read).IndexOfAnyInRange((byte)0x80, (byte)0xFF) >= 0)
                    return true;
            }
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The message with 8-bit parts re-encoded (quoted-printable or base64), in a private file removed when closed.</summary>
    static FileStream SevenBitCopy(Stream content, string spoolPath, CancellationToken cancellationToken)
    {
        content.Position = 0;
        using var mime = MimeMessage.Load(content, persistent: false, cancellationToken);
        mime.Prepare(EncodingConstraint.SevenBit);
        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        var path = $"{spoolPath}.7bit-{Guid.NewGuid():N}";
        var fileOptions = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Share = FileShare.None,
            Options = FileOptions.DeleteOnClose,
        };
        if (!OperatingSystem.IsWindows())
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var copy = new FileStream(path, fileOptions);
        try
        {
            mime.WriteTo(options, copy, cancellationToken);
            copy.Position = 0;
            return copy;
        }
        catch
        {
            copy.Dispose();
            throw;
        }
    }

    public void Dispose() => Content.Dispose();
}
