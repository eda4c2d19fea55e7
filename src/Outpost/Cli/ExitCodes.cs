namespace Outpost.Cli;

/// <summary>What <c>outpost</c> returns, for scripts and service managers (the README has the table).</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The command ran and failed, with its sentence on stderr.</summary>
    public const int Failed = 1;

    /// <summary>The command line was wrong: an unknown command or option, a missing argument.</summary>
    public const int Usage = 2;

    /// <summary><c>outpost check</c>: the message would be refused or held for review if it were sent.</summary>
    public const int WouldBeRefused = 3;

    /// <summary>EX_CONFIG from sysexits.h: the configuration is wrong; nothing was started (systemd does not restart on it with RestartPreventExitStatus=78).</summary>
    public const int Configuration = 78;
}
