using System.CommandLine;
using System.Runtime.InteropServices;
using XvifSim.Emulator;
using XvifSim.Emulator.Domains;
using XvifSim.Emulator.Scheduling;
using XvifSim.Emulator.XenStore;
using XvifSim.Host.Toolstack;

namespace XvifSim.Cli;

/// <summary>
/// `xvifsim xenstored --socket PATH [--guests N]`: a standalone store that
/// Debian's xenstore-utils and pyxs can use, with dom0, the standard tree and
/// N guest domains, until SIGINT or SIGTERM.
/// </summary>
internal static class XenstoredCommand
{
    public static Command Create()
    {
        var socket = new Option<string>("--socket")
        {
            Description = "Path of the Unix socket to listen on (point XENSTORED_PATH at it).",
            Required = true,
        };
        var guests = new Option<int>("--guests")
        {
            Description = "Also create this many guest domains, so their directories exist.",
            DefaultValueFactory = _ => 0,
        };
        var command = new Command("xenstored", "Run a standalone XenStore on a Unix socket until stopped.") { socket, guests };
        command.SetAction(result => Run(result.GetValue(socket)!, result.GetValue(guests)));
        return command;
    }

    private static int Run(string path, int guests)
    {
        if (guests is < 0 or > 1000)
        {
            Console.Error.WriteLine($"xvifsim xenstored: --guests must be between 0 and 1000, not {guests}");
            return 2;
        }

        using var machine = new Machine(new ThreadedScheduler());
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
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"xvifsim xenstored: cannot listen on {path}: {e.Message}");
            return 1;
        }

        using (server)
        {
            server.Diagnostic += line => Console.Error.WriteLine($"xenstored: {line}");
            machine.XenStore.Logged += line => Console.Error.WriteLine(line);
            using var stop = new ManualResetEventSlim();
            using PosixSignalRegistration term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Set(); });
            using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Set(); });
            Console.WriteLine($"xenstored: listening on {path} (dom0 and {guests} guest{(guests == 1 ? "" : "s")}); XENSTORED_PATH={path} xenstore-ls /");
            stop.Wait();
            Console.WriteLine("xenstored: stopped");
        }

        return 0;
    }
}
