using System.Diagnostics;
using XvifSim.Guest.Net;
using XvifSim.Tests.Guest.Net;
using XvifSim.Host.Captures;

namespace XvifSim.Tests.Host.Captures;

/// <summary>Files a capture session writes, read back by tshark (Debian's, installed by ./run-sim.sh test).</summary>
public class CaptureSessionTests
{
    private string _dir = "";

    [SetUp]
    public void MakeDirectory() => _dir = Directory.CreateTempSubdirectory("xvifsim-capture-").FullName;

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_dir, recursive: true);

    private static byte[] Frame(byte fill, int length)
    {
        byte[] frame = new byte[length];
        Array.Fill(frame, fill);
        new MacAddress(0x0016_3E00_0001).CopyTo(frame);
        new MacAddress(0x0016_3E00_0002).CopyTo(frame.AsSpan(6));
        frame[12] = 0x88;
        frame[13] = 0xB5; // local experimental EtherType
        return frame;
    }

    private void WriteTwoInterfaces()
    {
        ulong now = 1_000_000_001;
        using var session = new CaptureSession(_dir, () => now);
        var a = new NetworkInterface("xennet0", new MacAddress(0x0016_3E00_0001), new NullDriver(), TestPackets.Pool(64, 64)) { IsUp = true, IsRunning = true };
        var b = new NetworkInterface("xvif1i0", new MacAddress(0x0016_3F00_0001), new NullDriver(), TestPackets.Pool(64, 64)) { IsUp = true, IsRunning = true };
        session.Attach("guest1", a, "xennet0 of guest1");
        session.Attach("dom0", b, "xvif1i0 in dom0");
        a.Send(Frame(0xAA, 60));
        now += 1500;
        b.Input(Frame(0xBB, 1514));
    }

    [Test]
    public void EachInterfaceGetsItsOwnFileAndAllOfThemGoToThePcapng()
    {
        WriteTwoInterfaces();
        Assert.Multiple(() =>
        {
            Assert.That(File.Exists(Path.Combine(_dir, "guest1.xennet0.pcap")), Is.True);
            Assert.That(File.Exists(Path.Combine(_dir, "dom0.xvif1i0.pcap")), Is.True);
            Assert.That(File.ReadAllBytes(Path.Combine(_dir, "guest1.xennet0.pcap"))[..4], Is.EqualTo(new byte[] { 0x4D, 0x3C, 0xB2, 0xA1 }), "nanosecond pcap magic");
        });
    }

    [Test]
    public void TsharkReadsEveryFileWithTheInterfaceNamesAndNanosecondTimes()
    {
        WriteTwoInterfaces();
        string pcap = Tshark("-r", Path.Combine(_dir, "guest1.xennet0.pcap"), "-T", "fields", "-e", "frame.time_epoch", "-e", "frame.len");
        string all = Tshark("-r", Path.Combine(_dir, "all.pcapng"), "-T", "fields", "-e", "frame.interface_name", "-e", "frame.len", "-e", "frame.time_epoch");
        Assert.Multiple(() =>
        {
            Assert.That(pcap.Trim(), Is.EqualTo("1.000000001\t60"));
            Assert.That(all.Trim().Split('\n'), Is.EqualTo(new[] { "guest1/xennet0\t60\t1.000000001", "dom0/xvif1i0\t1514\t1.000001501" }));
        });
    }

    [Test]
    public void AnInterfaceThatComesBackUnderItsNameKeepsItsFileAndItsPcapngInterface()
    {
        ulong now = 1_000_000_001;
        using (var session = new CaptureSession(_dir, () => now))
        {
            var first = new NetworkInterface("xennet0", new MacAddress(0x0016_3E00_0001), new NullDriver(), TestPackets.Pool(64, 64)) { IsUp = true, IsRunning = true };
            session.Attach("guest1", first, "xennet0 of guest1");
            first.Send(Frame(0xAA, 60));
            now += 1000;

            // network-detach and -attach: a new interface object, the same name.
            var second = new NetworkInterface("xennet0", new MacAddress(0x0016_3E00_0001), new NullDriver(), TestPackets.Pool(64, 64)) { IsUp = true, IsRunning = true };
            session.Attach("guest1", second, "xennet0 of guest1");
            second.Send(Frame(0xBB, 70));
            Assert.That(session.Files, Has.Count.EqualTo(1));
        }

        string pcap = Tshark("-r", Path.Combine(_dir, "guest1.xennet0.pcap"), "-T", "fields", "-e", "frame.len");
        string all = Tshark("-r", Path.Combine(_dir, "all.pcapng"), "-T", "fields", "-e", "frame.interface_id", "-e", "frame.len");
        Assert.Multiple(() =>
        {
            Assert.That(pcap.Trim().Split('\n'), Is.EqualTo(new[] { "60", "70" }), "both frames, in one file");
            Assert.That(all.Trim().Split('\n'), Is.EqualTo(new[] { "0\t60", "0\t70" }), "one pcapng interface for the name");
        });
    }

    private static string Tshark(params string[] args)
    {
        if (!File.Exists("/usr/bin/tshark"))
        {
            Assert.Ignore("tshark is not installed (Debian package tshark; ./run-sim.sh test installs it)");
        }

        var start = new ProcessStartInfo("/usr/bin/tshark") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        Assert.That(process.WaitForExit(30_000), Is.True, "tshark did not finish");
        Assert.That(process.ExitCode, Is.Zero, error);
        return output;
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
