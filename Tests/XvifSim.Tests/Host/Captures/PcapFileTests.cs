using System.Buffers.Binary;
using XvifSim.Host.Captures;

namespace XvifSim.Tests.Host.Captures;

/// <summary>The classic pcap file of one interface as libpcap writes it (pcap-savefile(5)), byte for byte, and its cost per frame.</summary>
public class PcapFileTests
{
    private string _path = "";

    [SetUp]
    public void MakePath() => _path = Path.Combine(Directory.CreateTempSubdirectory("xvifsim-pcap-").FullName, "x.pcap");

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(Path.GetDirectoryName(_path)!, recursive: true);

    [Test]
    public void TheFileHeaderAndEachRecordAreLaidOutAsTheSavefileFormatSays()
    {
        using (var tap = new PcapFile(_path))
        {
            tap.Write(1_700_000_000_123_456_789, [1, 2, 3]);
            tap.Write(5, Enumerable.Repeat((byte)0xAB, 60).ToArray());
            Assert.That(tap.Frames, Is.EqualTo(2));
        }

        byte[] file = File.ReadAllBytes(_path);
        byte[] header =
        [
            0x4D, 0x3C, 0xB2, 0xA1, // nanosecond magic, little-endian
            0x02, 0x00, 0x04, 0x00, // version 2.4
            0, 0, 0, 0, 0, 0, 0, 0, // thiszone, sigfigs
            0xFF, 0xFF, 0x00, 0x00, // snaplen 65535
            0x01, 0x00, 0x00, 0x00, // LINKTYPE_ETHERNET
        ];
        Assert.Multiple(() =>
        {
            Assert.That(file[..24], Is.EqualTo(header));
            Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(24)), Is.EqualTo(1_700_000_000u), "ts_sec");
            Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(28)), Is.EqualTo(123_456_789u), "ts_nsec");
            Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(32)), Is.EqualTo(3u), "incl_len");
            Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(36)), Is.EqualTo(3u), "orig_len");
            Assert.That(file[40..43], Is.EqualTo(new byte[] { 1, 2, 3 }));
            Assert.That(file[43..47], Is.EqualTo(new byte[] { 0, 0, 0, 0 }), "second record: ts_sec 0");
            Assert.That(file[47..51], Is.EqualTo(new byte[] { 5, 0, 0, 0 }), "ts_nsec 5");
            Assert.That(file, Has.Length.EqualTo(24 + 16 + 3 + 16 + 60));
        });
    }

    [Test]
    public void WritingAFrameAllocatesNothing()
    {
        using var tap = new PcapFile(_path);
        byte[] frame = new byte[1514];
        void Write()
        {
            for (int i = 0; i < 100; i++)
            {
                tap.Write(42, frame);
            }
        }

        Write();
        Assert.That(Allocation.Least(Write), Is.Zero, "SharpPcap's writer allocated 64 bytes per frame");
    }

    [Test]
    public void AFileThatCannotBeCreatedSaysWhichAndWhy()
    {
        string missing = Path.Combine(Path.GetDirectoryName(_path)!, "no-such-dir", "x.pcap");
        Assert.That(() => new PcapFile(missing), Throws.TypeOf<DirectoryNotFoundException>().With.Message.Contains(missing));
    }
}
