using System.Buffers.Binary;
using XvifSim.Host.Captures;

namespace XvifSim.Tests.Host.Captures;

/// <summary>
/// The capture writer's ring against the writers it stands in for: whatever
/// the ring does (records that wrap to its start, runs cut there, frames
/// appended in segments, trace records beside frames), the files are the
/// bytes <see cref="PcapngWriter"/> and <see cref="PcapFile"/> write when
/// called directly; and a record a vCPU could not finish never stops the writer.
/// </summary>
public class CaptureWriterRingTests
{
    private string _dir = "";

    [SetUp]
    public void MakeDirectory() => _dir = Directory.CreateTempSubdirectory("xvifsim-ring-").FullName;

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void ThroughASmallRingThatWrapsTheFilesAreTheBytesOfTheDirectWriters()
    {
        var random = new Random(15);
        var records = new List<(byte[] Bytes, bool? Inbound, bool Trace, int Segments)>();
        for (int i = 0; i < 600; i++)
        {
            bool trace = i % 7 == 3;
            int length = i % 50 == 0 ? random.Next(9000, 20000) : random.Next(1, 1515);
            byte[] bytes = new byte[length];
            random.NextBytes(bytes);
            records.Add((bytes, trace ? null : i % 2 == 0, trace, 1 + (i % 3)));
        }

        var ringAll = new MemoryStream();
        var directAll = new MemoryStream();
        string ringPcap = Path.Combine(_dir, "ring.pcap");
        string directPcap = Path.Combine(_dir, "direct.pcap");
        byte[] mac = [0x00, 0x16, 0x3E, 0x00, 0x00, 0x01];

        // A ring of twice the largest record and 8 slots: it wraps every few records and is full most of the time.
        using (var writer = new CaptureWriter(new PcapngWriter(new NonClosing(ringAll), "XvifSim test"), _dir, dataBytes: 2 * CaptureWriter.MaxRecord, slots: 8))
        {
            int file = writer.AddFile(new PcapFile(ringPcap));
            uint ethernet = writer.AddInterface("guest1/xennet0", "xennet0 of guest1", mac, 65535);
            uint traceId = writer.AddInterface("netif/dom1/vif0/tx", "trace", [], 65535, PcapngTraceSink.LinkTypeUser0);
            ulong now = 1_000_000_000;
            foreach ((byte[] bytes, bool? inbound, bool trace, int segments) in records)
            {
                now += 1_234_567;
                ulong at = now;
                if (trace)
                {
                    writer.WritePacket(traceId, () => at, bytes, inbound: null);
                    continue;
                }

                Assert.That(writer.Begin(file, ethernet, () => at, bytes.Length, inbound, out CaptureWriter.Record record), Is.True);
                int piece = (bytes.Length + segments - 1) / segments;
                for (int offset = 0; offset < bytes.Length; offset += piece)
                {
                    writer.Append(ref record, bytes.AsSpan(offset, Math.Min(piece, bytes.Length - offset)));
                }

                writer.Commit(in record);
            }

            Assert.That(writer.Dropped, Is.Zero);
        }

        using (var all = new PcapngWriter(new NonClosing(directAll), "XvifSim test"))
        using (var pcap = new PcapFile(directPcap))
        {
            uint ethernet = all.AddInterface("guest1/xennet0", "xennet0 of guest1", mac, 65535);
            uint traceId = all.AddInterface("netif/dom1/vif0/tx", "trace", [], 65535, PcapngTraceSink.LinkTypeUser0);
            ulong now = 1_000_000_000;
            foreach ((byte[] bytes, bool? inbound, bool trace, _) in records)
            {
                now += 1_234_567;
                all.WritePacket(trace ? traceId : ethernet, now, bytes, inbound);
                if (!trace)
                {
                    pcap.Write(now, bytes);
                }
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(ringAll.ToArray(), Is.EqualTo(directAll.ToArray()), "all.pcapng");
            Assert.That(File.ReadAllBytes(ringPcap), Is.EqualTo(File.ReadAllBytes(directPcap)), "the interface's pcap");
        });
    }

    [Test]
    public void ARecordCommittedShortIsThrownAndTheWriterGoesOn()
    {
        var all = new MemoryStream();
        using (var writer = new CaptureWriter(new PcapngWriter(new NonClosing(all), "XvifSim test"), _dir))
        {
            uint id = writer.AddInterface("guest1/xennet0", "x", [], 65535);
            Assert.That(writer.Begin(-1, id, () => 1, 100, inbound: true, out CaptureWriter.Record record), Is.True);
            writer.Append(ref record, new byte[40]);
            Assert.That(() => writer.Commit(in record), Throws.InvalidOperationException.With.Message.Contains("100 bytes was committed with 40"));
            Assert.That(() => writer.Append(ref record, new byte[61]), Throws.TypeOf<ArgumentOutOfRangeException>(), "more than the record's length");
            Assert.That(writer.Frame(-1, id, () => 2, new byte[60], inbound: false), Is.True);
        }

        Assert.That(PacketLengths(all.ToArray()), Is.EqualTo(new[] { 100, 60 }), "the short record zero-filled in its place, then the next");
    }

    [Test]
    public void AClockThatThrowsGivesItsPlaceBackAndTheWriterGoesOn()
    {
        var all = new MemoryStream();
        using (var writer = new CaptureWriter(new PcapngWriter(new NonClosing(all), "XvifSim test"), _dir))
        {
            uint id = writer.AddInterface("guest1/xennet0", "x", [], 65535);
            Assert.That(() => writer.Frame(-1, id, () => throw new InvalidOperationException("clock"), new byte[60], inbound: true), Throws.InvalidOperationException);
            Assert.That(writer.Frame(-1, id, () => 2, new byte[70], inbound: false), Is.True);
            Assert.That(writer.Failure, Is.Null);
        }

        Assert.That(PacketLengths(all.ToArray()), Is.EqualTo(new[] { 70 }));
    }

    [Test]
    public void AFileThatSawNoFrameHoldsItsHeader()
    {
        string path = Path.Combine(_dir, "x.pcap");
        new PcapFile(path).Dispose();
        Assert.That(File.ReadAllBytes(path), Has.Length.EqualTo(PcapFile.FileHeaderLength));
    }

    /// <summary>The captured length of each Enhanced Packet Block in a pcapng file, in order.</summary>
    private static List<int> PacketLengths(byte[] file)
    {
        var lengths = new List<int>();
        for (int offset = 0; offset < file.Length;)
        {
            int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(offset + 4));
            if (BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(offset)) == PcapngWriter.EnhancedPacketBlock)
            {
                lengths.Add((int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(offset + 20)));
            }

            offset += length;
        }

        return lengths;
    }

    /// <summary>Keeps the bytes readable after the writer disposes its stream.</summary>
    private sealed class NonClosing(Stream inner) : MemoryStream
    {
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

        public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);

        public override void Flush() => inner.Flush();
    }
}
