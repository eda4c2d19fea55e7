namespace Outpost.Engine.Hosting;

/// <summary>How bad a doctor's finding is: fine, worth a look (mail may suffer), or breaking mail now.</summary>
public enum DoctorSeverity
{
    Ok,
    Warning,
    Problem,
}
