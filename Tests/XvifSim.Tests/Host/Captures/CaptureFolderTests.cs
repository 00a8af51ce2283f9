using System.Diagnostics;
using XvifSim.Guest.Net;
using XvifSim.Tests.Guest.Net;
using XvifSim.Host.Captures;

namespace XvifSim.Tests.Host.Captures;

/// <summary>Capture folders hold the current run only, and a capture file that cannot be made stops the run.</summary>
[NonParallelizable]
public class CaptureFolderTests
{
    private string _dir = "";

    [SetUp]
    public void MakeDirectory() => _dir = Directory.CreateTempSubdirectory("xvifsim-folder-").FullName;

    [TearDown]
    public void RemoveDirectory()
    {
        Chattr("-i", Path.Combine(_dir, "ping"));
        Directory.Delete(_dir, recursive: true);
    }

    [Test]
    public void PrepareRemovesOldCapturesOnlyAndNamesWhatElseIsThere()
    {
        string folder = Path.Combine(_dir, "ping");
        Directory.CreateDirectory(Path.Combine(folder, "notes"));
        File.WriteAllText(Path.Combine(folder, "old-guest.xennet0.pcap"), "x");
        File.WriteAllText(Path.Combine(folder, "all.pcapng"), "x");
        File.WriteAllText(Path.Combine(folder, "README.txt"), "mine");

        CaptureFolderResult result = CaptureFolder.Prepare(_dir, "ping");
        Assert.Multiple(() =>
        {
            Assert.That(result.Succeeded, Is.True, result.Error);
            Assert.That(result.Removed, Is.EqualTo(2));
            Assert.That(result.OtherFiles, Is.EqualTo(new[] { "README.txt", "notes" }));
            Assert.That(Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName).Order(), Is.EqualTo(new[] { "README.txt", "notes" }));
        });
    }

    [Test]
    public void ARunLeavesOnlyItsOwnCapturesAndSaysWhatElseItFound()
    {
        string folder = Path.Combine(_dir, "ping");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "web.xennet0.pcap"), "an earlier run's guest");
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "the user's");

        (int exit, _, string error) = XvifSimCli.Invoke("run", "ping", "--out", _dir);
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero, error);
            Assert.That(File.Exists(Path.Combine(folder, "web.xennet0.pcap")), Is.False, "the earlier run's capture is gone");
            Assert.That(File.ReadAllText(Path.Combine(folder, "notes.txt")), Is.EqualTo("the user's"));
            Assert.That(Directory.GetFiles(folder, "*.pcap*").Select(Path.GetFileName).Order(),
                Is.EqualTo(new[] { "all.pcapng", "dom0.bridge0.pcap", "dom0.xvif1i0.pcap", "guest1.xennet0.pcap" }));
            Assert.That(error, Does.Contain($"xvifsim run: note: {folder} also holds notes.txt, not captures of this run (left alone)"));
            Assert.That(CaptureFolder.CountFrames(folder), Is.GreaterThan(0));
        });
    }

    /// <summary>
    /// A folder where an interface's file cannot be made (a directory holds
    /// its name): the folder passes the checks before the run, the run stops
    /// when the tap's failure reaches the host's thread, exit 2 with the path.
    /// </summary>
    [Test]
    public void ACaptureFileThatCannotBeMadeMidRunStopsItWithThePathAndExit2()
    {
        string blocked = Path.Combine(_dir, "ping", "guest1.xennet0.pcap");
        Directory.CreateDirectory(blocked);

        (int exit, string output, string error) = XvifSimCli.Invoke("run", "ping", "--out", _dir);
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(2), error);
            Assert.That(error, Does.Contain($"xvifsim run: cannot create the capture file {blocked}: "));
            Assert.That(error, Does.Contain("; the run stopped"));
            Assert.That(error, Does.Not.Contain("   at "));
            Assert.That(output, Does.Not.Contain("ping: PASS").And.Not.Contain("PING"), "stopped before the traffic");
        });
    }

    [Test]
    public void CountFramesCountsTheRecordsOfEveryPcap()
    {
        ulong now = 1;
        using (var session = new CaptureSession(_dir, () => now))
        {
            var a = new NetworkInterface("xennet0", new MacAddress(0x0016_3E00_0001), new NullDriver(), TestPackets.Pool(64, 64)) { IsUp = true, IsRunning = true };
            session.Attach("guest1", a, "xennet0 of guest1");
            byte[] frame = new byte[60];
            a.Send(frame);
            a.Send(frame.AsSpan(0, 42).ToArray());
            a.Send(frame);
        }

        Assert.That(CaptureFolder.CountFrames(_dir), Is.EqualTo(3));
    }

    /// <summary>Root may write anywhere, so the unwritable folder is an immutable one (chattr +i), where the filesystem allows it.</summary>
    [Test]
    public void ASessionWhoseFirstFileCannotBeMadeThrowsWithThePathAndReason()
    {
        string folder = Path.Combine(_dir, "ping");
        Directory.CreateDirectory(folder);
        if (!Chattr("+i", folder))
        {
            Assert.Ignore("chattr +i is not available here, so no folder is unwritable for root");
        }

        CaptureFileException? thrown = Assert.Throws<CaptureFileException>(() => new CaptureSession(folder, () => 0).Dispose());
        Assert.That(thrown!.Message, Does.StartWith($"cannot create the capture file {Path.Combine(folder, "all.pcapng")}: "));
    }

    [Test]
    public void AnInterfaceFileThatCannotBeMadeIsRecordedNotThrownOnTheVcpu()
    {
        string folder = Path.Combine(_dir, "ping");
        using var session = new CaptureSession(folder, () => 0);
        if (!Chattr("+i", folder))
        {
            Assert.Ignore("chattr +i is not available here, so no folder is unwritable for root");
        }

        var a = new NetworkInterface("xennet0", new MacAddress(0x0016_3E00_0001), new NullDriver(), TestPackets.Pool(64, 64)) { IsUp = true, IsRunning = true };
        Assert.DoesNotThrow(() => session.Attach("guest1", a, "xennet0 of guest1"));
        Assert.That((session.Failure as CaptureFileException)?.Path, Is.EqualTo(Path.Combine(folder, "guest1.xennet0.pcap")));
        Chattr("-i", folder);
    }

    private static bool Chattr(string flag, string path)
    {
        if (!Directory.Exists(path))
        {
            return false;
        }

        try
        {
            using Process? chattr = Process.Start(new ProcessStartInfo("chattr", [flag, path]) { RedirectStandardError = true, RedirectStandardOutput = true });
            chattr!.WaitForExit();
            return chattr.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private sealed class NullDriver : INetDriver
    {
        public bool Output(PacketBuffer packet, bool checksumBlank)
        {
            packet.Free();
            return true;
        }
    }
}
