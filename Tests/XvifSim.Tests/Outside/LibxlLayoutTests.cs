using System.Text.RegularExpressions;
using XvifSim.Emulator.XenStore;
using XvifSim.Host.Toolstack;
using XvifSim.Public;
using XvifSim.Public.XenStore;
using XvifSim.Tests.Core.XenStore;
using XvifSim.Tests.Host.Toolstack;

namespace XvifSim.Tests.Outside;

/// <summary>
/// The toolstack's directories for a guest with one vif, read back with
/// Debian's `xenstore-ls -f -p` over the socket and compared, node for node,
/// with a table built from libxl's code: libxl__domain_make
/// (tools/libs/light/libxl_create.c), libxl__build_post's memory keys, and
/// libxl__device_generic_add with libxl__set_xenstore_nic's keys for the vif.
/// And a guest writing where libxl gives it no permission gets EACCES.
/// </summary>
public partial class LibxlLayoutTests
{
    private const string Guest = "/local/domain/1";
    private const string Vm = "/vm/00000000-0000-4000-8000-000000000001";
    private const string Front = "/local/domain/1/device/vif/0";
    private const string Back = "/local/domain/0/backend/vif/1/0";

    // libxl__domain_make: roperm (n0,r<domid>), rwperm (n<domid>), noperm (n0).
    private const string RoPerm = "n0,r1";
    private const string RwPerm = "n1";
    private const string NoPerm = "n0";

    // libxl__device_generic_add: frontend_perms (n<domid>,r<backend>),
    // ro_frontend_perms and backend_perms (n<backend>,r<domid>).
    private const string FrontendPerms = "n1,r0";
    private const string BackendPerms = "n0,r1";

    private static readonly Dictionary<string, string> Expected = new()
    {
        [Guest] = RoPerm,
        [$"{Guest}/vm"] = RoPerm,
        [$"{Guest}/name"] = RoPerm,
        [$"{Guest}/domid"] = RoPerm,
        [$"{Guest}/cpu"] = RoPerm,
        [$"{Guest}/memory"] = RoPerm,
        [$"{Guest}/memory/static-max"] = RoPerm,
        [$"{Guest}/memory/target"] = RoPerm,
        [$"{Guest}/device"] = RoPerm,
        [$"{Guest}/device/suspend"] = RoPerm,
        [$"{Guest}/device/suspend/event-channel"] = RwPerm,
        [$"{Guest}/device/vif"] = RoPerm,
        [Front] = FrontendPerms,
        [$"{Front}/backend"] = FrontendPerms,
        [$"{Front}/backend-id"] = FrontendPerms,
        [$"{Front}/state"] = FrontendPerms,
        [$"{Front}/handle"] = FrontendPerms,
        [$"{Front}/mac"] = FrontendPerms,
        [$"{Front}/trusted"] = FrontendPerms,
        [$"{Front}/mtu"] = BackendPerms,
        [$"{Guest}/control"] = RoPerm,
        [$"{Guest}/control/shutdown"] = RwPerm,
        [$"{Guest}/control/feature-poweroff"] = RwPerm,
        [$"{Guest}/control/feature-reboot"] = RwPerm,
        [$"{Guest}/control/feature-suspend"] = RwPerm,
        [$"{Guest}/control/sysrq"] = RwPerm,
        [$"{Guest}/control/platform-feature-multiprocessor-suspend"] = RoPerm,
        [$"{Guest}/control/platform-feature-xs_reset_watches"] = RoPerm,
        [$"{Guest}/data"] = RwPerm,
        [$"{Guest}/drivers"] = RwPerm,
        [$"{Guest}/feature"] = RwPerm,
        [$"{Guest}/attr"] = RwPerm,
        [$"{Guest}/error"] = RwPerm,
        [Vm] = RoPerm,
        [$"{Vm}/uuid"] = RoPerm,
        [$"{Vm}/name"] = RoPerm,
        ["/libxl/1"] = NoPerm,
        ["/libxl/1/device"] = NoPerm,
        ["/libxl/1/device/vif"] = NoPerm,
        ["/libxl/1/device/vif/0"] = NoPerm,
        ["/libxl/1/device/vif/0/frontend"] = NoPerm,
        ["/libxl/1/device/vif/0/backend"] = NoPerm,
        ["/libxl/1/type"] = NoPerm,
        [Back] = BackendPerms,
        [$"{Back}/frontend"] = BackendPerms,
        [$"{Back}/frontend-id"] = BackendPerms,
        [$"{Back}/online"] = BackendPerms,
        [$"{Back}/state"] = BackendPerms,
        [$"{Back}/script"] = BackendPerms,
        [$"{Back}/mac"] = BackendPerms,
        [$"{Back}/bridge"] = BackendPerms,
        [$"{Back}/handle"] = BackendPerms,
        [$"{Back}/type"] = BackendPerms,
        [$"{Back}/hotplug-status"] = BackendPerms,
    };

    private ToolstackTestBed _bed = null!;
    private XsSocketServer _server = null!;
    private string _socket = null!;

    [SetUp]
    public void CreateAGuestWithAVif()
    {
        if (!File.Exists("/usr/bin/xenstore-ls"))
        {
            Assert.Ignore("/usr/bin/xenstore-ls is not installed: apt-get install xenstore-utils (./run-sim.sh test installs it)");
        }

        _bed = new ToolstackTestBed();
        _bed.Toolstack.CreateGuest(new GuestConfig("guest1") { MemoryMiB = 32, Vifs = [new VifSpec { Mac = "00:16:3e:01:02:03" }] });
        _socket = Path.Combine(Path.GetTempPath(), $"xvifsim-{Guid.NewGuid():N}.sock");
        _server = new XsSocketServer(_bed.Core, _socket);
    }

    [TearDown]
    public void Stop()
    {
        _server?.Dispose();
        _bed?.Dispose();
    }

    [Test]
    public void XenstoreLsShowsLibxlsNodesWithLibxlsPermissionsAndNothingElse()
    {
        var seen = new Dictionary<string, string>();
        foreach (string top in new[] { Guest, Vm, "/libxl/1", "/local/domain/0/backend/vif/1" })
        {
            ProcessResult ls = ExternalProcess.Run("/usr/bin/xenstore-ls", ["-f", "-p", top], new Dictionary<string, string> { ["XENSTORED_PATH"] = _socket });
            Assert.That(ls.ExitCode, Is.Zero, ls.ToString());
            foreach (string line in ls.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                Match m = LsLine().Match(line);
                Assert.That(m.Success, Is.True, $"an xenstore-ls -f -p line: {line}");
                seen[m.Groups["path"].Value] = m.Groups["perms"].Value;
            }
        }

        // xenstore-ls lists below its argument: the tops' own permissions come from XS_GET_PERMS.
        foreach (string top in new[] { Guest, Vm, "/libxl/1" })
        {
            Assert.That(_bed.Store.GetPerms(top, out IReadOnlyList<string> perms), Is.EqualTo(Errno.Ok));
            seen[top] = string.Join(',', perms);
        }

        Assert.That(seen, Is.EquivalentTo(Expected));
    }

    [Test]
    public void ValuesAreLibxls()
    {
        Assert.Multiple(() =>
        {
            Assert.That(_bed.Read($"{Guest}/vm"), Is.EqualTo(Vm));
            Assert.That(_bed.Read($"{Vm}/uuid"), Is.EqualTo("00000000-0000-4000-8000-000000000001"));
            Assert.That(_bed.Read($"{Vm}/name"), Is.EqualTo("guest1"));
            Assert.That(_bed.Read($"{Guest}/control/platform-feature-multiprocessor-suspend"), Is.EqualTo("1"));
            Assert.That(_bed.Read($"{Guest}/control/platform-feature-xs_reset_watches"), Is.EqualTo("1"));
            Assert.That(_bed.Read($"{Guest}/control/shutdown"), Is.Empty);
            Assert.That(_bed.Read("/libxl/1/type"), Is.EqualTo("pvh"));
            Assert.That(_bed.Read("/libxl/1/device/vif/0/frontend"), Is.EqualTo(Front));
            Assert.That(_bed.Read("/libxl/1/device/vif/0/backend"), Is.EqualTo(Back));
        });
    }

    [Test]
    public void AGuestWritesOnlyWhereLibxlLetsIt()
    {
        var guest = new XsTestClient(_bed.Core, new DomId(1), privileged: false);

        Assert.Multiple(() =>
        {
            // Its own nodes and what it makes under them.
            XsAssert.IsOk(guest.Write($"{Guest}/control/shutdown", "poweroff"), XsdSockmsgType.Write);
            XsAssert.IsOk(guest.Write($"{Guest}/control/feature-suspend", "1"), XsdSockmsgType.Write);
            XsAssert.IsOk(guest.Write($"{Guest}/device/suspend/event-channel", "5"), XsdSockmsgType.Write);
            XsAssert.IsOk(guest.Write($"{Guest}/data/updated", "1"), XsdSockmsgType.Write);
            XsAssert.IsOk(guest.Write($"{Guest}/error/device/vif/0/error", "1 x"), XsdSockmsgType.Write);
            XsAssert.IsOk(guest.Write($"{Front}/tx-ring-ref", "8"), XsdSockmsgType.Write);

            // Readable, not writable: its home, device, control, cpu, memory, /vm.
            XsAssert.HasValue(guest.Read($"{Guest}/name"), "guest1");
            XsAssert.HasValue(guest.Read($"{Vm}/name"), "guest1");
            XsAssert.IsError(guest.Write($"{Guest}/device/vbd", ""), "EACCES");
            XsAssert.IsError(guest.Mkdir($"{Guest}/device/foo"), "EACCES");
            XsAssert.IsError(guest.Write($"{Guest}/control/platform-feature-xs_reset_watches", "0"), "EACCES");
            XsAssert.IsError(guest.Write($"{Guest}/control/new-key", "1"), "EACCES");
            XsAssert.IsError(guest.Write($"{Guest}/memory/target", "1"), "EACCES");
            XsAssert.IsError(guest.Write($"{Guest}/cpu/0", "1"), "EACCES");
            XsAssert.IsError(guest.Write($"{Guest}/name", "renamed"), "EACCES");
            XsAssert.IsError(guest.Write($"{Guest}/new-key", "1"), "EACCES");
            XsAssert.IsError(guest.Write($"{Vm}/name", "renamed"), "EACCES");

            // The toolstack's own record is dom0's alone.
            XsAssert.IsError(guest.Read("/libxl/1/type"), "EACCES");
        });
    }

    [GeneratedRegex("""^(?<path>\S+) = ".*" +[. ]*\((?<perms>[^)]*)\)$""")]
    private static partial Regex LsLine();
}
