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
/// of vifname, the xenbus probe's narrower re-listing and its probing of
/// one device node per change did). all.pcapng
/// is hashed after its Section Header Block, whose version comment carries
/// the build's commit.
/// </summary>
public class CaptureGoldenTests
{
    private static readonly Dictionary<string, string> Ping = new(StringComparer.Ordinal)
    {
        ["all.pcapng"] = "4406EAA520437A0F9EC5CF781B83A46D856545FC0FD729988552FB093729C76E",
        ["dom0.bridge0.pcap"] = "6ACB0D042D153E4EDA18A66CA54EDB6FBA9AFA9651C728E18613F0EA8EF56972",
        ["dom0.xvif1i0.pcap"] = "6ACB0D042D153E4EDA18A66CA54EDB6FBA9AFA9651C728E18613F0EA8EF56972",
        ["guest1.xennet0.pcap"] = "CA6732E21D4DD8DC7F4AB1B19C4D5C64A147F3639578B18DA564B9263880A8C1",
    };

    private static readonly Dictionary<string, string> GuestToGuest = new(StringComparer.Ordinal)
    {
        ["all.pcapng"] = "EA155A63C1D9DEC7A82F9A15907C99F0D5F111B96A027171E895DA035F6E13D0",
        ["dom0.bridge0.pcap"] = "F609BF5097B39AB04F7ED9232AF50BFE3C0EC95F8A8562ECC069FA5AF1F013FC",
        ["dom0.xvif1i0.pcap"] = "634D2F7FB34D938C933CB750C4821E5D951B2B9F2674B8346AA5D40270C40821",
        ["dom0.xvif2i0.pcap"] = "634D2F7FB34D938C933CB750C4821E5D951B2B9F2674B8346AA5D40270C40821",
        ["guest1.xennet0.pcap"] = "87D96289A159C1A7233C7D7704C2C456DF94F640745D33E672C697196B0DD907",
        ["guest2.xennet0.pcap"] = "4F52D3F54298B5CB47FA55136BA4CE343E06CB47ED751C2ED02E19D698DF133A",
    };

    private static readonly Dictionary<string, string> Jumbo = new(StringComparer.Ordinal)
    {
        ["all.pcapng"] = "001D2FFEDB8A158DBC716147FE249CDA247B9F4246D2152434CD27DDF82A8F10",
        ["dom0.bridge0.pcap"] = "FC541A57F6796C9179F6619223C0E2C80081191FAE4DB24AC8841A5B4E8D66C3",
        ["dom0.xvif1i0.pcap"] = "044E64475FDDA38D4AA070C44309B1B030894A4C9849A56C9898D917DDB4FA23",
        ["dom0.xvif2i0.pcap"] = "044E64475FDDA38D4AA070C44309B1B030894A4C9849A56C9898D917DDB4FA23",
        ["guest1.xennet0.pcap"] = "733A8EBE61A553F8D5C92A0930E595351C2AF831598F4815EF82ABC1C073EB5C",
        ["guest2.xennet0.pcap"] = "BAD379A96959D66D56D7B92A0E536444475248C3DDD4A7268FED97904D835E99",
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
