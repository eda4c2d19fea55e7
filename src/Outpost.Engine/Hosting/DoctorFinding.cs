namespace Outpost.Engine.Hosting;

/// <summary>One thing <see cref="Doctor"/> looked at: its name, how it stands, one sentence, and how to fix it (empty when ok).</summary>
public sealed record DoctorFinding(string Check, DoctorSeverity Severity, string Sentence, string Fix = "");
