using System.CommandLine;
using System.Runtime.InteropServices;
using System.Text;
using XvifSim.Emulator;
using XvifSim.Emulator.Domains;
using XvifSim.Emulator.Scheduling;
using XvifSim.Emulator.XenStore;
using XvifSim.Host.Captures;
using XvifSim.Host.Toolstack;

namespace XvifSim.Cli;

/// <summary>
/// `xvifsim xenstored --socket PATH [--guests N]`: a standalone store that
/// Debian's xenstore-utils and pyxs can use, with dom0, the standard tree and
/// N guest domains, until SIGINT or SIGTERM; with --trace FILE.pcapng, every
/// message of every client (and of the toolstack's set-up) is recorded there.
/// </summary>
internal static class XenstoredCommand
{
    /// <summary>sun_path holds 108 bytes on Linux (sys/un.h), the terminating NUL included.</summary>
    private const int MaxSocketPathBytes = 107;

    public static Command Create()
    {
        var socket = new Option<string>("--socket")
        {
            Description = "Path of the Unix socket to listen on (point XENSTORED_PATH at it).",
            HelpName = "PATH",
            Required = true,
        };
        var guests = new Option<int>("--guests")
        {
            Description = "Also create this many guest domains (0 to 1000), so their directories exist.",
            HelpName = "N",
            DefaultValueFactory = _ => 0,
        };
        var trace = new Option<string?>("--trace")
        {
            Description = "Record every message of every client into this pcapng file (docs/trace-format.md; tools/wireshark/xvifsim.lua decodes it).",
            HelpName = "FILE",
        };
        var command = new Command("xenstored", "Run a standalone XenStore on a Unix socket until stopped.") { socket, guests, trace };
        command.SetAction(result => Run(command, result.GetValue(socket)!, result.GetValue(guests), result.GetValue(trace)));
        return command;
    }

    /// <summary>Why <paramref name="path"/> cannot be a Unix socket's, or null: checked before anything starts.</summary>
    private static string? SocketPathProblem(string path)
    {
        int bytes = Encoding.UTF8.GetByteCount(path);
        if (bytes is 0 or > MaxSocketPathBytes)
        {
            return $"--socket '{path}' is {bytes} bytes; a Unix socket path is 1 to {MaxSocketPathBytes} bytes (sun_path)";
        }

        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        return folder is not null && !Directory.Exists(folder) ? $"--socket '{path}': the folder {folder} does not exist" : null;
    }

    private static int Run(Command command, string path, int guests, string? tracePath)
    {
        if (guests is < 0 or > 1000)
        {
            return CliUsage.Fail(command, $"--guests must be between 0 and 1000, not {guests}");
        }

        if (SocketPathProblem(path) is string problem)
        {
            return CliUsage.Fail(command, problem);
        }

        var scheduler = new ThreadedScheduler();
        PcapngWriter? traceFile = null;
        if (tracePath is not null)
        {
            try
            {
                traceFile = new PcapngWriter(new FileStream(tracePath, FileMode.Create, FileAccess.Write, FileShare.Read), "XvifSim xenstored", [$"xenstored --socket {path}", $"version: XvifSim {typeof(XenstoredCommand).Assembly.GetName().Version}"]);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                scheduler.Dispose();
                return CliUsage.Fail(command, $"--trace '{tracePath}': cannot create the file: {e.Message}");
            }
        }

        using PcapngWriter? written = traceFile;
        using var machine = new Machine(scheduler, new MachineOptions { Trace = traceFile is null ? null : new PcapngTraceSink(traceFile, () => scheduler.NowNs) });
        using var store = new XsHostClient(machine.XenStore.Core);
        DomainDirectories.WriteDom0(store);
        for (int i = 1; i <= guests; i++)
        {
            Domain guest = machine.CreateDomain(new DomainConfig($"guest{i}"));
            DomainDirectories.WriteGuest(store, guest.Id, guest.Name);
        }

        XsSocketServer server;
        try
        {
            server = new XsSocketServer(machine.XenStore.Core, path);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or UnauthorizedAccessException or ArgumentException)
        {
            return CliUsage.Fail(command, $"--socket '{path}': cannot listen there: {e.Message}");
        }

        using (server)
        {
            server.Diagnostic += line => Console.Error.WriteLine($"xenstored: {line}");
            machine.XenStore.Logged += line => Console.Error.WriteLine(line);
            using var stop = new ManualResetEventSlim();
            using PosixSignalRegistration term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Set(); });
            using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Set(); });
            Console.WriteLine($"xenstored: listening on {path} (dom0 and {guests} guest{(guests == 1 ? "" : "s")}); XENSTORED_PATH={path} xenstore-ls /");
            if (tracePath is not null)
            {
                Console.WriteLine($"xenstored: recording every message into {tracePath} (written out when stopped)");
            }

            stop.Wait();
            Console.WriteLine("xenstored: stopped");
        }

        return 0;
    }
}
