using XvifSim.Host.Scenarios;

namespace XvifSim.Tests.Host.Scenarios;

/// <summary>
/// The catalogue scenarios arp, udp-stream, jumbo, many-guests and replay:
/// each passes its own check under both schedulers; tshark reads every file
/// each one wrote and finds the frames that show its point on the right
/// interfaces, with good checksums; one seed gives byte-identical files.
/// </summary>
public class CatalogScenarioTests
{
    private string _captures = "";

    [SetUp]
    public void MakeDirectory() => _captures = Directory.CreateTempSubdirectory("xvifsim-catalog-").FullName;

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_captures, recursive: true);

    private string Run(string name, bool threaded = false, int seed = 1, string? into = null)
    {
        IScenario scenario = ScenarioCatalog.Find(name)!;
        var output = new StringWriter();
        ScenarioResult result = scenario.Run(new ScenarioOptions(seed, threaded) { CaptureDirectory = into ?? _captures }, output);
        Assert.That(result.Failures, Is.Empty, output.ToString());
        return output.ToString();
    }

    /// <summary>Frames in <paramref name="file"/> of the run's directory matching <paramref name="filter"/>, with the checksum checks on.</summary>
    private string[] Frames(string scenario, string file, string filter, params string[] fields)
    {
        List<string> args =
        [
            "-r", Path.Combine(_captures, scenario, file),
            "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
            "-Y", filter, "-T", "fields",
        ];
        foreach (string field in fields.DefaultIfEmpty("frame.number"))
        {
            args.Add("-e");
            args.Add(field);
        }

        return Tshark.Run([.. args]);
    }

    /// <summary>tshark reads every file the run wrote without error.</summary>
    private void EveryFileReads(string scenario)
    {
        string[] files = Directory.GetFiles(Path.Combine(_captures, scenario));
        Assert.That(files, Has.Some.EndsWith("all.pcapng"));
        foreach (string file in files)
        {
            Tshark.Run("-r", file, "-T", "fields", "-e", "frame.number");
        }
    }

    [Test]
    public void EachScenarioPassesItsOwnCheck(
        [Values("arp", "udp-stream", "jumbo", "many-guests", "replay")] string name,
        [Values(false, true)] bool threaded)
    {
        string output = Run(name, threaded);
        Assert.That(output, Does.Contain($"{name}: PASS"));
    }

    // Each check below is one tshark pass over all.pcapng, whose interface
    // column names the per-interface file a frame is also in (the same tap
    // writes both): one pass instead of one per file keeps the set fast.

    [Test]
    public void ArpWhoHasCrossesEveryHopAndTheAnswerComesBackUnicast()
    {
        string output = Run("arp");
        EveryFileReads("arp");
        const string whoHas = "arp.opcode == 1 && eth.dst == ff:ff:ff:ff:ff:ff && arp.src.proto_ipv4 == 10.0.0.2 && arp.dst.proto_ipv4 == 10.0.0.3";
        const string isAt = "arp.opcode == 2 && arp.src.proto_ipv4 == 10.0.0.3 && arp.src.hw_mac == 00:16:3e:00:02:01 && eth.dst == 00:16:3e:00:01:01";
        Assert.Multiple(() =>
        {
            Assert.That(Frames("arp", "all.pcapng", whoHas, "frame.interface_name"),
                Is.EquivalentTo(new[] { "guest1/xennet0", "dom0/xvif1i0", "dom0/xvif2i0", "dom0/bridge0", "guest2/xennet0" }),
                "one who-has (the second ping asks nothing), flooded to guest2 and dom0");
            Assert.That(Frames("arp", "all.pcapng", isAt, "frame.interface_name"),
                Is.EqualTo(new[] { "guest2/xennet0", "dom0/xvif2i0", "dom0/xvif1i0", "guest1/xennet0" }),
                "one is-at, unicast: the bridge learnt guest1 from the request, so dom0 does not see it");
            Assert.That(Frames("arp", "guest1.xennet0.pcap", "icmp", "ip.checksum.status", "icmp.checksum.status"),
                Has.Length.EqualTo(4).And.All.EqualTo("1\t1"), "two echoes and their replies, checksums good");
            Assert.That(output, Does.Contain("? (10.0.0.3) at 00:16:3e:00:02:01 on xennet0"));
        });
    }

    [Test]
    public void UdpStreamIsWholeOnEveryHopWithGoodChecksums()
    {
        Run("udp-stream");
        EveryFileReads("udp-stream");
        string[] stream = Frames("udp-stream", "all.pcapng", "udp.dstport == 5001", "frame.interface_name", "frame.len", "ip.checksum.status", "udp.checksum.status");
        Assert.Multiple(() =>
        {
            foreach (string iface in new[] { "guest1/xennet0", "dom0/xvif1i0", "dom0/xvif2i0", "guest2/xennet0" })
            {
                Assert.That(stream.Count(row => row == $"{iface}\t{UdpStreamScenario.FrameLength}\t1\t1"), Is.EqualTo(UdpStreamScenario.Datagrams), iface);
            }

            Assert.That(stream, Has.Length.EqualTo(4 * UdpStreamScenario.Datagrams), "nothing else: unicast to a learnt MAC is not flooded to dom0");
        });
    }

    [Test]
    public void JumboFramesAre9014BytesOnTheXvifsAndWholeInTheGuests()
    {
        Run("jumbo");
        EveryFileReads("jumbo");
        string[] jumbo = Frames("jumbo", "all.pcapng", "frame.len == 9014", "frame.interface_name", "ip.proto", "ip.checksum.status", "icmp.checksum.status", "udp.checksum.status");
        Assert.Multiple(() =>
        {
            foreach (string iface in new[] { "guest1/xennet0", "dom0/xvif1i0", "dom0/xvif2i0", "guest2/xennet0" })
            {
                Assert.That(jumbo.Count(row => row == $"{iface}\t1\t1\t1\t"), Is.EqualTo(4), $"{iface}: two jumbo echoes and their replies");
                Assert.That(jumbo.Count(row => row == $"{iface}\t17\t1\t\t1"), Is.EqualTo(1), $"{iface}: the jumbo datagram");
            }

            Assert.That(Frames("jumbo", "all.pcapng", "frame.len > 9014"), Is.Empty);
        });
    }

    [Test]
    public void ManyGuestsEveryEchoIsAnswered()
    {
        Run("many-guests");
        // 66 files: Wireshark's capinfos reads them all in one run (tshark's
        // start-up per file would dominate); tshark reads a sample and all.pcapng,
        // which holds every frame of every one.
        string[] files = Directory.GetFiles(Path.Combine(_captures, "many-guests"));
        Assert.That(files, Has.Length.EqualTo(66), "32 xennet0, 32 xvifs, bridge0 and all.pcapng");
        string[] counts = Tshark.Capinfos(["-c", "-T", .. files]);
        Assert.That(counts.Skip(1).Select(line => line.Split('\t')[1]), Has.All.Matches<string>(n => int.Parse(n!, System.Globalization.CultureInfo.InvariantCulture) > 0));
        foreach (string file in new[] { "all.pcapng", "dom0.bridge0.pcap", "dom0.xvif1i0.pcap", "dom0.xvif32i0.pcap", "guest1.xennet0.pcap", "guest32.xennet0.pcap" })
        {
            Tshark.Run("-r", Path.Combine(_captures, "many-guests", file), "-T", "fields", "-e", "frame.number");
        }

        string[] replies = Frames("many-guests", "all.pcapng", "icmp.type == 0 && icmp.ident == 0x6001", "frame.interface_name", "ip.dst", "ip.src", "icmp.checksum.status");
        Assert.Multiple(() =>
        {
            Assert.That(Frames("many-guests", "dom0.bridge0.pcap", "icmp.type == 0 && ip.dst == 10.0.0.1", "ip.src").Distinct().Count(),
                Is.EqualTo(ManyGuestsScenario.GuestCount), "dom0 got a reply from every guest");
            for (int i = 0; i < ManyGuestsScenario.GuestCount; i++)
            {
                string[] got = [.. replies.Where(r => r.StartsWith($"guest{i + 1}/xennet0\t{ManyGuestsScenario.AddressOf(i)}\t", StringComparison.Ordinal)).Order()];
                string[] expected = [.. ManyGuestsScenario.TargetsOf(i).Select(t => $"guest{i + 1}/xennet0\t{ManyGuestsScenario.AddressOf(i)}\t{ManyGuestsScenario.AddressOf(t)}\t1").Order()];
                Assert.That(got, Is.EqualTo(expected), $"guest{i + 1}");
            }
        });
    }

    [Test]
    public void ReplayedFramesLeaveGuest1AndReachGuest2()
    {
        Run("replay");
        EveryFileReads("replay");
        Assert.That(Tshark.Run("-r", Path.Combine(_captures, "replay", ReplayScenario.InputFileName), "-T", "fields", "-e", "frame.protocols"),
            Is.EqualTo(new[] { "eth:ethertype:arp", "eth:ethertype:ip:icmp:data", "eth:ethertype:ip:udp:echo" }), "the generated input");
        string[] frames = Frames("replay", "all.pcapng", "arp || icmp.ident == 0x7e01 || udp.port == 7",
            "frame.interface_name", "arp.opcode", "icmp.type", "udp.dstport", "ip.checksum.status", "icmp.checksum.status", "udp.checksum.status");
        Assert.Multiple(() =>
        {
            foreach (string iface in new[] { "guest1/xennet0", "dom0/xvif1i0", "dom0/xvif2i0", "guest2/xennet0" })
            {
                string[] seen = [.. frames.Where(r => r.StartsWith(iface + "\t", StringComparison.Ordinal)).Select(r => r[(iface.Length + 1)..])];
                Assert.That(seen, Is.EqualTo(new[]
                {
                    "1\t\t\t\t\t",        // replayed who-has
                    "2\t\t\t\t\t",        // guest2's is-at
                    "\t8\t\t1\t1\t",      // replayed echo request
                    "\t0\t\t1\t1\t",      // guest2's echo reply
                    "\t\t7\t1\t\t1",      // replayed datagram
                    "\t\t40001\t1\t\t1",  // guest2's echo of it
                }), iface);
            }
        });
    }

    [Test]
    public void TheSameSeedGivesByteIdenticalFiles([Values("arp", "udp-stream", "jumbo", "many-guests", "replay")] string name)
    {
        string first = Path.Combine(_captures, "a");
        string second = Path.Combine(_captures, "b");
        Run(name, seed: 5, into: first);
        Run(name, seed: 5, into: second);
        string[] files = [.. Directory.GetFiles(Path.Combine(first, name)).Select(Path.GetFileName)!];
        Assert.That(files, Is.Not.Empty);
        foreach (string file in files)
        {
            Assert.That(File.ReadAllBytes(Path.Combine(second, name, file)), Is.EqualTo(File.ReadAllBytes(Path.Combine(first, name, file))), file);
        }
    }
}
