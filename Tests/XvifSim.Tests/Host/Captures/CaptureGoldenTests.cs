using System.Buffers.Binary;
using System.Security.Cryptography;
using XvifSim.Host.Scenarios;

namespace XvifSim.Tests.Host.Captures;

/// <summary>
/// The capture files of a deterministic run are the same bytes whoever
/// writes them: the SHA-256 of each file below was computed from the
/// synchronous writers (each tap writing its pcap through libpcap's
/// pcap_dump and all.pcapng on the vCPU that crossed the interface), before
/// the writer thread took their place (recomputed with those writers when a
/// change to the drivers moved the deterministic interleaving, as xvif's read
/// of vifname and the xenbus probe's narrower re-listing did). all.pcapng
/// is hashed after its Section Header Block, whose version comment carries
/// the build's commit.
/// </summary>
public class CaptureGoldenTests
{
    private static readonly Dictionary<string, string> Ping = new(StringComparer.Ordinal)
    {
        ["all.pcapng"] = "B80E6FD1C3F16265CA7081E95E994FA725DB0D99D513475D00C58570DA2D25D0",
        ["dom0.bridge0.pcap"] = "96626F7EA8F804E140DD6808A23E1684F2BA43D02104AD6BADFF52EBB6F866E2",
        ["dom0.xvif1i0.pcap"] = "96626F7EA8F804E140DD6808A23E1684F2BA43D02104AD6BADFF52EBB6F866E2",
        ["guest1.xennet0.pcap"] = "39504D0FA182306E14C2D1881D71EF36B00DE436D5693E0DEA2E036C7DD56A58",
    };

    private static readonly Dictionary<string, string> GuestToGuest = new(StringComparer.Ordinal)
    {
        ["all.pcapng"] = "5B2557F5503A36F489F174042520582AE76AFE60E27259FA3C9E1620A86AD3C4",
        ["dom0.bridge0.pcap"] = "082D53DE01CF5F4030ABD81F3CDC7C99A45AB4E937601B0E51751F7541B4FB30",
        ["dom0.xvif1i0.pcap"] = "92F9963B6DC5933D8770A30164EF52804F4CC9D8DCD859DFCB99026226B6C727",
        ["dom0.xvif2i0.pcap"] = "92F9963B6DC5933D8770A30164EF52804F4CC9D8DCD859DFCB99026226B6C727",
        ["guest1.xennet0.pcap"] = "5A5D4FC5CBDFADA17154FFCE5770B5F5410A5125DB7757B7AA95B25CDFEC8639",
        ["guest2.xennet0.pcap"] = "CC723FC3CB3479701BBC61C4A791ADE7DDB86D413AC4B0448D964DF1B183430A",
    };

    private static readonly Dictionary<string, string> Jumbo = new(StringComparer.Ordinal)
    {
        ["all.pcapng"] = "8BBAC337E1CCB1159CCCD19AD90DF4BA17A4443B46A2059FA0C7B3ACA29649CE",
        ["dom0.bridge0.pcap"] = "35DCEC5C2D0F573DA7C5F0FB37A5556442C5EC7C01032A1241FFB3F651A3E173",
        ["dom0.xvif1i0.pcap"] = "6620CECE26A5F141C8CF3F7A4D12753E0E8733AFC09A7BE2C72FF4090E5067E6",
        ["dom0.xvif2i0.pcap"] = "6620CECE26A5F141C8CF3F7A4D12753E0E8733AFC09A7BE2C72FF4090E5067E6",
        ["guest1.xennet0.pcap"] = "FB3479283B036BD28230EEE3B3DAC9AF3E4F5496DA09BE5233811DBCF10FB79B",
        ["guest2.xennet0.pcap"] = "82A1A86727AB6C355C9B5D2C560F30FA8D7C5D44B819FC47DBEF1AAD2EBD6FFA",
    };

    private string _captures = "";

    [SetUp]
    public void MakeDirectory() => _captures = Directory.CreateTempSubdirectory("xvifsim-golden-").FullName;

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_captures, recursive: true);

    [TestCase("ping")]
    [TestCase("guest-to-guest")]
    [TestCase("jumbo")]
    public void TheFilesAreTheBytesTheSynchronousWritersWrote(string name)
    {
        var output = new StringWriter();
        ScenarioResult result = ScenarioCatalog.Find(name)!.Run(new ScenarioOptions(Seed: 1) { CaptureDirectory = _captures }, output);
        Assert.That(result.Failures, Is.Empty, output.ToString());
        Dictionary<string, string> hashes = Directory.GetFiles(Path.Combine(_captures, name))
            .ToDictionary(f => Path.GetFileName(f)!, Hash, StringComparer.Ordinal);
        Dictionary<string, string> expected = name switch { "ping" => Ping, "jumbo" => Jumbo, _ => GuestToGuest };
        Assert.That(hashes, Is.EquivalentTo(expected), string.Join('\n', hashes.OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => $"[\"{h.Key}\"] = \"{h.Value}\",")));
    }

    /// <summary>SHA-256 of the file; for a pcapng, of what follows its Section Header Block (whose length is at offset 4).</summary>
    private static string Hash(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        int skip = path.EndsWith(".pcapng", StringComparison.Ordinal) ? (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4)) : 0;
        return Convert.ToHexString(SHA256.HashData(bytes.AsSpan(skip)));
    }
}
