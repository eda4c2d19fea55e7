namespace Outpost.Engine.Tests.Architecture;

/// <summary>
/// The layer check can fail: its parts on small examples, and the reader of compiled code on the sample
/// in <c>Architecture/Sample/</c>, whose lower stage uses the upper one only through a fully qualified
/// name inside a lambda.
/// </summary>
public class LayerCheckerTests
{
    const string Root = "Outpost.Engine";

    static readonly LayerRule Rule = new([["Configuration"], ["Queue", "Signing"], ["Delivery"]], Root);

    [Fact]
    public void An_import_from_a_lower_layer_is_allowed()
    {
        var uses = new[] { new TypeUse("Outpost.Engine.Delivery.Recorder", "Delivery/Recorder.cs", "Outpost.Engine.Queue.Outcome") };

        Assert.Empty(Rule.Violations(uses));
    }

    [Fact]
    public void An_import_from_a_higher_layer_names_the_file_and_the_import()
    {
        var uses = new[] { new TypeUse("Outpost.Engine.Queue.Enqueuer", "Queue/Enqueuer.cs", "Outpost.Engine.Delivery.Dispatcher") };

        var violation = Assert.Single(Rule.Violations(uses));
        Assert.Equal("Queue/Enqueuer.cs: Queue imports Delivery (Outpost.Engine.Queue.Enqueuer uses Outpost.Engine.Delivery.Dispatcher); "
            + "Delivery (layer 3) is above Queue (layer 2).", violation);
    }

    [Fact]
    public void Folders_of_one_layer_do_not_import_each_other()
    {
        var uses = new[] { new TypeUse("Outpost.Engine.Signing.Signer", "Signing/Signer.cs", "Outpost.Engine.Queue.Message") };

        Assert.Contains("Queue is in Signing's own layer (2)", Assert.Single(Rule.Violations(uses)));
    }

    [Fact]
    public void A_folder_in_no_layer_breaks_the_rule_both_ways()
    {
        var uses = new[]
        {
            new TypeUse("Outpost.Engine.Webhooks.Sender", "Webhooks/Sender.cs", "Outpost.Engine.Queue.Message"),
            new TypeUse("Outpost.Engine.Delivery.Recorder", "Delivery/Recorder.cs", "Outpost.Engine.Webhooks.Sender"),
        };

        var violations = Rule.Violations(uses);
        Assert.Equal(2, violations.Count);
        Assert.Contains(violations, v => v.StartsWith("Delivery/Recorder.cs:", StringComparison.Ordinal) && v.EndsWith("Webhooks is in no layer.", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.StartsWith("Webhooks/Sender.cs:", StringComparison.Ordinal) && v.EndsWith("Webhooks is in no layer.", StringComparison.Ordinal));
    }

    [Fact]
    public void Types_of_other_assemblies_and_sub_folders_are_judged_by_their_folder()
    {
        var uses = new[]
        {
            new TypeUse("Outpost.Engine.Delivery.Recorder", "Delivery/Recorder.cs", "Outpost.Smtp.Client.RemoteReply"),
            new TypeUse("Outpost.Engine.Queue.Model.Row", "Queue/Model/Row.cs", "Outpost.Engine.Queue.Outcome"),
            new TypeUse("Outpost.Engine.Queue.Model.Row", "Queue/Model/Row.cs", "Outpost.Engine.Delivery.Channels.Channel"),
        };

        Assert.Equal("Queue/Model/Row.cs: Queue imports Delivery (Outpost.Engine.Queue.Model.Row uses Outpost.Engine.Delivery.Channels.Channel); "
            + "Delivery (layer 3) is above Queue (layer 2).", Assert.Single(Rule.Violations(uses)));
    }

    [Fact]
    public void A_using_directive_upwards_is_named_with_its_line()
    {
        const string source = """
            using System.Text;
            using static Outpost.Engine.Configuration.Limits;
            using Dispatch = Outpost.Engine.Delivery.Dispatcher;

            namespace Outpost.Engine.Queue;

            public sealed class Enqueuer
            {
                public void Write(Stream s)
                {
                    using var copy = new MemoryStream();
                }
            }
            """;

        var imports = SourceImports.Parse("Queue/Enqueuer.cs", source).ToList();

        Assert.Equal(["System.Text", "Outpost.Engine.Configuration.Limits", "Outpost.Engine.Delivery.Dispatcher"], imports.Select(i => i.Namespace));
        Assert.Equal("Queue/Enqueuer.cs:3: Queue imports Delivery (using Outpost.Engine.Delivery.Dispatcher); Delivery (layer 3) is above Queue (layer 2).",
            Assert.Single(Rule.Violations(imports)));
    }

    [Fact]
    public void The_compiled_code_shows_a_fully_qualified_use_inside_a_lambda()
    {
        const string sample = "Outpost.Engine.Tests.Architecture.Sample";
        var uses = AssemblyTypeUses.Read(typeof(LayerCheckerTests).Assembly.Location, sample);
        var rule = new LayerRule([["Low"], ["High"]], sample);

        Assert.Contains(uses, u => u.User == sample + ".High.HighStage" && u.Used == sample + ".Low.LowStage" && u.File == "Architecture/Sample/High/HighStage.cs");
        var violation = Assert.Single(rule.Violations(uses));
        Assert.StartsWith("Architecture/Sample/Low/LowStage.cs: Low imports High (", violation);
        Assert.Contains("uses Outpost.Engine.Tests.Architecture.Sample.High.HighStage", violation);
        // Its source has no using directive for the layer above: only the compiled code gives it away.
        Assert.Empty(rule.Violations(SourceImports.Read(Path.Combine(RepositoryPaths.Root, "tests", "Outpost.Engine.Tests", "Architecture", "Sample"))));
    }

    [Fact]
    public void The_layer_table_is_read_in_order_and_a_gap_is_refused()
    {
        const string table = """
            | layer | folders | why here |
            |---|---|---|
            | 1 | `Configuration` | options |
            | 2 | `Queue` `Signing` | the queue; DKIM |
            """;

        Assert.Equal([["Configuration"], ["Queue", "Signing"]], LayerTable.Parse(table));
        Assert.Throws<FormatException>(() => LayerTable.Parse(table.Replace("| 2 |", "| 3 |")));
    }
}
