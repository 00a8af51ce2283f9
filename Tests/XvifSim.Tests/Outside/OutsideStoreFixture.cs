using XvifSim.Emulator.XenStore;

namespace XvifSim.Tests.Outside;

/// <summary>
/// A store served on a fresh temporary Unix socket for each test, for real
/// clients (xenstore-utils, pyxs) to use, and an in-process client to set
/// the scene and check the result.
/// </summary>
public abstract class OutsideStoreFixture
{
    private XsSocketServer _server = null!;

    protected XenStoreCore Core { get; private set; } = null!;

    protected XsHostClient Host { get; private set; } = null!;

    protected string SocketPath { get; private set; } = null!;

    /// <summary>What points libxenstore's tools at our socket (docs/reference/xenstore.md, "libxenstore tools").</summary>
    protected IReadOnlyDictionary<string, string> ToolEnvironment => new Dictionary<string, string> { ["XENSTORED_PATH"] = SocketPath };

    /// <summary>Skips the test, naming the Debian package, when a program is not installed.</summary>
    protected static void Require(string program, string package)
    {
        if (!File.Exists(program))
        {
            Assert.Ignore($"{program} is not installed: apt-get install {package} (./run-sim.sh test installs it)");
        }
    }

    [SetUp]
    public void StartStore()
    {
        Core = new XenStoreCore();
        Host = new XsHostClient(Core);
        SocketPath = Path.Combine(Path.GetTempPath(), $"xvifsim-{Guid.NewGuid():N}.sock");
        _server = new XsSocketServer(Core, SocketPath);
    }

    [TearDown]
    public void StopStore()
    {
        _server.Dispose();
        Host.Dispose();
    }
}
