using Microsoft.Extensions.Time.Testing;
using Outpost.Engine.Configuration;
using Outpost.Engine.Policy;
using Outpost.Storage.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Outpost.Engine.Tests.Policy;

public sealed class BulkTests : IDisposable
{
    readonly FakeTimeProvider _time = new();
    readonly PolicyOptions _options = new() { BulkRecipients = 20 };
    readonly TempDirectory _dir = new();
    readonly SqliteDatabase _db;

    public BulkTests() => _db = new SqliteDatabase(Path.Combine(_dir.Path, "outpost.db"));

    public void Dispose() => _dir.Dispose();

    BulkTracker Tracker() => new(_options, _time, new SqliteBulkStore(_db), NullLogger<BulkTracker>.Instance);

    ContentClassifier Classifier(BulkTracker tracker) => new(_options, tracker, TestModel.Shipped);

    static MessageContent Content(string text) => new("Quarterly update", text, new Dictionary<string, string>(), 0, 0, 0, text.Length);

    const string Letter = "Dear {0}, we are writing to let you know that the terms of your service agreement change on the first of January. " +
                          "The new terms include a revised schedule for maintenance windows and an updated contact list for urgent support. " +
                          "Please read the attached document and reply if you have any questions about these changes.";

    [Fact]
    public void A_blast_split_over_messages_and_senders_is_caught()
    {
        var classifier = Classifier(Tracker());
        var names = new[] { "Anna", "Bernd", "Chen", "Dana", "Emil", "Fatima", "Georg", "Hana", "Ivan", "Julia" };
        var refusedAt = -1;
        for (var i = 0; i < 10; i++)
        {
            // Each "sender" sends three recipients a copy with only the name changed.
            var recipients = Enumerable.Range(0, 3).Select(n => $"r{i}-{n}@remote.test").ToList();
            var verdict = classifier.Classify(Content(string.Format(System.Globalization.CultureInfo.InvariantCulture, Letter, names[i])), recipients);
            if (verdict.Refusal?.Class == ContentClass.BulkDuplicate)
            {
                refusedAt = i;
                break;
            }
            classifier.Accepted(verdict, recipients);
        }
        Assert.Equal(6, refusedAt); // 7 × 3 = 21 distinct mailboxes > 20
    }

    [Fact]
    public void Different_letters_and_an_expired_window_are_not_bulk()
    {
        var classifier = Classifier(Tracker());
        var first = Content(string.Format(System.Globalization.CultureInfo.InvariantCulture, Letter, "Anna"));
        var recipients = Enumerable.Range(0, 20).Select(n => $"a{n}@remote.test").ToList();
        classifier.Accepted(classifier.Classify(first, recipients), recipients);

        var other = Content("Hello Bernd, thanks for the call this morning. As promised, here is the summary of the three options we discussed for the new warehouse layout, with the costs of each and the time the move would take.");
        Assert.Null(classifier.Classify(other, ["b@remote.test"]).Refusal);
        Assert.Equal(ContentClass.BulkDuplicate, classifier.Classify(first, ["new@remote.test"]).Refusal?.Class);

        _time.Advance(_options.BulkWindow + TimeSpan.FromMinutes(1));
        Assert.Null(classifier.Classify(first, ["new@remote.test"]).Refusal);
    }

    [Fact]
    public async Task The_counts_survive_a_restart()
    {
        var before = Tracker();
        var classifier = Classifier(before);
        var letter = Content(string.Format(System.Globalization.CultureInfo.InvariantCulture, Letter, "Anna"));
        var recipients = Enumerable.Range(0, 20).Select(n => $"a{n}@remote.test").ToList();
        classifier.Accepted(classifier.Classify(letter, recipients), recipients);
        await before.FlushedAsync();

        // A new tracker over the same database: the process restarted.
        var after = Classifier(Tracker());
        var verdict = after.Classify(Content(string.Format(System.Globalization.CultureInfo.InvariantCulture, Letter, "Bernd")), ["new@remote.test"]);
        Assert.Equal(ContentClass.BulkDuplicate, verdict.Refusal?.Class);
        Assert.Contains("21 external mailboxes", verdict.Results.Single(r => r.Class == ContentClass.BulkDuplicate).Signals[0]);

        // Rows older than the window are not loaded, and pruned at the next write.
        _time.Advance(_options.BulkWindow + TimeSpan.FromMinutes(1));
        Assert.Null(Classifier(Tracker()).Classify(letter, ["new@remote.test"]).Refusal);
    }

    [Fact]
    public void Near_duplicates_are_close_in_simhash_and_different_texts_are_far()
    {
        var a = SimHash.Compute(string.Format(System.Globalization.CultureInfo.InvariantCulture, Letter, "Anna") + " Order 1234.", out _);
        var b = SimHash.Compute(string.Format(System.Globalization.CultureInfo.InvariantCulture, Letter, "Bernd") + " Order 98765.", out _);
        var c = SimHash.Compute("Completely different words about a football match last weekend and the weather in the mountains near the lake.", out _);
        Assert.True(SimHash.Distance(a, b) <= new PolicyOptions().BulkDistance, $"distance {SimHash.Distance(a, b)}");
        Assert.True(SimHash.Distance(a, c) > 10, $"distance {SimHash.Distance(a, c)}");
    }
}
