using System.Diagnostics;

namespace Outpost.Scenarios.Infrastructure;

/// <summary>
/// Dovecot, the real mailbox server, with only its LMTP service: a private configuration in a temporary
/// directory (a passwd-file userdb naming the mailboxes it knows, Maildirs under the directory), listening
/// on a Unix socket, run in the foreground as <c>dovecot -F -c CONF</c>.
/// </summary>
public sealed class MailboxServer : IAsyncDisposable
{
    readonly Process _process;
    readonly string _directory;

    public string Socket { get; }

    MailboxServer(Process process, string directory, string socket)
    {
        _process = process;
        _directory = directory;
        Socket = socket;
    }

    /// <summary>Where Dovecot keeps <paramref name="address"/>'s new messages.</summary>
    public string MaildirNew(string address) => Path.Combine(_directory, "home", address, "Maildir", "new");

    public IReadOnlyList<string> Messages(string address) =>
        Directory.Exists(MaildirNew(address)) ? Directory.GetFiles(MaildirNew(address)).Order().ToList() : [];

    public static async Task<MailboxServer> StartAsync(params string[] mailboxes)
    {
        // A short path of its own: Unix socket paths are limited to 107 bytes.
        var directory = Directory.CreateTempSubdirectory("opdv").FullName;
        var root = (await Processes.RunAsync("id", ["-u"])).Output.Trim() == "0";
        // Dovecot refuses to deliver as root: as root the mail is Dovecot's own user's (which the package creates).
        string[] user = root ? ["dovecot"] : [];
        var uid = (await Processes.RunAsync("id", ["-u", .. user])).Output.Trim();
        var gid = (await Processes.RunAsync("id", ["-g", .. user])).Output.Trim();
        // Its auth process reads the userdb as that user, and delivery makes each home under home/.
        Directory.CreateDirectory(Path.Combine(directory, "home"));
        Assert.Equal(0, (await Processes.RunAsync("chmod", ["755", directory])).ExitCode);
        Assert.Equal(0, (await Processes.RunAsync("chmod", ["1777", Path.Combine(directory, "home")])).ExitCode);
        var users = mailboxes.Select(m => $"{m}::{uid}:{gid}::{Path.Combine(directory, "home", m)}::");
        await File.WriteAllLinesAsync(Path.Combine(directory, "users"), users);
        var config = $"""
            base_dir = {directory}/run
            state_dir = {directory}/state
            log_path = /dev/stderr
            info_log_path = /dev/stderr
            protocols = lmtp
            ssl = no
            first_valid_uid = 0
            {(root ? "" : $"default_internal_user = {Environment.UserName}\ndefault_login_user = {Environment.UserName}")}
            postmaster_address = postmaster@lmtp.test
            mail_location = maildir:~/Maildir
            passdb {'{'}
              driver = static
              args = nopassword=y
            {'}'}
            userdb {'{'}
              driver = passwd-file
              args = {directory}/users
            {'}'}
            service lmtp {'{'}
              unix_listener lmtp {'{'}
                mode = 0666
              {'}'}
            {'}'}

            """;
        var path = Path.Combine(directory, "dovecot.conf");
        await File.WriteAllTextAsync(path, config);
        var process = Processes.Start(Paths.Tool("dovecot"), ["-F", "-c", path]);
        var server = new MailboxServer(process, directory, Path.Combine(directory, "run", "lmtp"));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!File.Exists(server.Socket))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                var error = process.HasExited ? await process.StandardError.ReadToEndAsync() : "(still running)";
                await server.DisposeAsync();
                throw new InvalidOperationException("Dovecot did not start: " + error);
            }
            await Task.Delay(100);
        }
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
