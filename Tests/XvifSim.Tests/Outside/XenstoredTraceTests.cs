using XvifSim.Tests.Host.Trace;

namespace XvifSim.Tests.Outside;

/// <summary>
/// `xvifsim xenstored --socket PATH --trace FILE.pcapng` records the
/// conversation of real tools (xenstore-utils) on the socket, which tshark
/// with tools/wireshark/xvifsim.lua reads back as requests, replies and the
/// error one of them got.
/// </summary>
public class XenstoredTraceTests
{
    private static readonly TimeSpan StartupLimit = TimeSpan.FromSeconds(30);

    private static string ProgramDll => Path.Combine(TestContext.CurrentContext.TestDirectory, "xvifsim.dll");

    private static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    [Test]
    public void EveryMessageOfEveryClientIsRecorded()
    {
        if (!File.Exists("/usr/bin/xenstore-write"))
        {
            Assert.Ignore("/usr/bin/xenstore-write is not installed: apt-get install xenstore-utils (./run-sim.sh test installs it)");
        }

        string dir = Directory.CreateTempSubdirectory("xvifsim-xenstored-trace-").FullName;
        try
        {
            string socket = Path.Combine(dir, "xs.sock");
            string trace = Path.Combine(dir, "xenstored.pcapng");
            var env = new Dictionary<string, string> { ["XENSTORED_PATH"] = socket };
            using (ExternalProcess xenstored = ExternalProcess.Start(Dotnet, [ProgramDll, "xenstored", "--socket", socket, "--trace", trace]))
            {
                xenstored.WaitForOutput("listening on", StartupLimit);
                ProcessResult write = ExternalProcess.Run("/usr/bin/xenstore-write", ["/outside/a", "hello"], env);
                ProcessResult read = ExternalProcess.Run("/usr/bin/xenstore-read", ["/nowhere"], env);
                ExternalProcess.Run("/bin/kill", ["-TERM", xenstored.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                ProcessResult stopped = xenstored.WaitForExit(ExternalProcess.DefaultTimeout);
                Assert.That(write.ExitCode, Is.Zero, write.ToString());
                Assert.That(read.ExitCode, Is.Not.Zero, read.ToString());
                Assert.That(stopped.ExitCode, Is.Zero, stopped.ToString());
            }

            List<TraceRow> rows = TraceRecords.Read(trace, "frame.interface_name == \"xenstore/socket\"");
            List<string> infos = [.. rows.Select(r => r["_ws.col.Info"])];
            Assert.Multiple(() =>
            {
                Assert.That(infos, Does.Contain("XS WRITE /outside/a = \"hello\""));
                Assert.That(infos, Does.Contain("XS WRITE /outside/a = \"hello\" -> OK"));
                Assert.That(infos, Does.Contain("XS READ /nowhere -> ENOENT"));
                Assert.That(rows.Select(r => r["xenstore.conn"]).Distinct().Count(), Is.EqualTo(2), "two clients, told apart");
                Assert.That(rows.Single(r => r["_ws.col.Info"] == "XS READ /nowhere -> ENOENT")["_ws.expert.message"], Does.Contain("XS_ERROR ENOENT"));
            });
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
