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
/// of vifname did). all.pcapng is hashed after its Section Header Block, whose
/// version comment carries the build's commit.
/// </summary>
public class CaptureGoldenTests
{
    private static readonly Dictionary<string, string> Ping = new(StringComparer.Ordinal)
    {
        ["all.pcapng"] = "D81CF81EB6870DFEF21E60AC6F0BE4BA1EBCC12F893748D1267E8840EFDA0F71",
        ["dom0.bridge0.pcap"] = "B4B5313374B894E2287574171592ED2F4039C024E9FA939684A3E9238527C7C7",
        ["dom0.xvif1i0.pcap"] = "B4B5313374B894E2287574171592ED2F4039C024E9FA939684A3E9238527C7C7",
        ["guest1.xennet0.pcap"] = "2449E4BEB0BC4614CED45D32DAD0181E2CA425189150DCB4AE23D921AD51747B",
    };

    private static readonly Dictionary<string, string> GuestToGuest = new(StringComparer.Ordinal)
    {
        ["all.pcapng"] = "B17EEE20C92654E11B51B6B1AE066D8F33320A462E0CB62B22FD8C5B8ECF8B32",
        ["dom0.bridge0.pcap"] = "695A2E56D81C6BFB7B7B8EA83F760C7C67C5D29FD1197D5BFF3B00B3E105A85C",
        ["dom0.xvif1i0.pcap"] = "BBDA013EB6A0B9FABCE3F355CD7E06A02B98963F18CAD51869AB995467FC31DB",
        ["dom0.xvif2i0.pcap"] = "BBDA013EB6A0B9FABCE3F355CD7E06A02B98963F18CAD51869AB995467FC31DB",
        ["guest1.xennet0.pcap"] = "9ED3DEAEA37D9735D0BEF1060E26CD165804CFF0260864186436B370AFCE60D8",
        ["guest2.xennet0.pcap"] = "DAFC130FAB2EABFB9EB5050BA2222F1C85E69933E9DE1F8091A8657C66F25EA2",
    };

    private static readonly Dictionary<string, string> Jumbo = new(StringComparer.Ordinal)
    {
        ["all.pcapng"] = "36EE8DE68BEF8AD4726B7CE9FFD3C39B437CB4D4EECF5AD2D7233DDD40E742EC",
        ["dom0.bridge0.pcap"] = "82ADC206A3A7DFE7F26831140B9B18F5DB9F3C19C8391216F3FE8EB67232A0DC",
        ["dom0.xvif1i0.pcap"] = "08E3EAFF4D375CB1E89A62AB9B9D52085082AC90B5CE7E2522FE911FEFC06B4A",
        ["dom0.xvif2i0.pcap"] = "08E3EAFF4D375CB1E89A62AB9B9D52085082AC90B5CE7E2522FE911FEFC06B4A",
        ["guest1.xennet0.pcap"] = "32A17A9530A209E6E3FC7A46306BBB23620D4299FEB172B73646247C183A39D4",
        ["guest2.xennet0.pcap"] = "F30FA05003F4C1F61AE9BAF2BD37EFEF86F4A94763C1D2BE4C19D6B0E7223288",
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
