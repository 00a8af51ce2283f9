using System.Buffers.Binary;
using XvifSim.Host.Captures;

namespace XvifSim.Tests.Host.Captures;

/// <summary>The pcapng blocks against the spec (draft-ietf-opsawg-pcapng): layout, padding, options.</summary>
public class PcapngWriterTests
{
    private static byte[] Write(Action<PcapngWriter> body)
    {
        var stream = new MemoryStream();
        using (var writer = new PcapngWriter(new NonClosing(stream), "XvifSim"))
        {
            body(writer);
        }

        return stream.ToArray();
    }

    [Test]
    public void SectionHeaderBlockGoldenBytes()
    {
        byte[] file = Write(_ => { });
        byte[] expected =
        [
            0x0A, 0x0D, 0x0D, 0x0A, 44, 0, 0, 0,            // type, total length 44
            0x4D, 0x3C, 0x2B, 0x1A, 1, 0, 0, 0,             // byte-order magic, version 1.0
            0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, // section length unknown
            4, 0, 7, 0, (byte)'X', (byte)'v', (byte)'i', (byte)'f', (byte)'S', (byte)'i', (byte)'m', 0, // shb_userappl, padded
            0, 0, 0, 0,                                     // opt_endofopt
            44, 0, 0, 0,                                    // total length again
        ];
        Assert.That(file, Is.EqualTo(expected));
    }

    [Test]
    public void InterfaceAndPacketBlocksCarryNameMacResolutionAndDirection()
    {
        byte[] mac = [0x00, 0x16, 0x3E, 0x12, 0x34, 0x56];
        byte[] file = Write(w =>
        {
            uint id = w.AddInterface("guest1/xennet0", "xennet0 of guest1", mac, 65535);
            w.WritePacket(id, 0x1_0000_0002, [1, 2, 3, 4, 5], inbound: false);
        });

        int idb = 44;
        Assert.Multiple(() =>
        {
            Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(idb)), Is.EqualTo(PcapngWriter.InterfaceDescriptionBlock));
            Assert.That(BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(idb + 8)), Is.EqualTo(1), "LINKTYPE_ETHERNET");
            Assert.That(file.AsSpan(idb + 16, 4).ToArray(), Is.EqualTo(new byte[] { 2, 0, 14, 0 }), "if_name, 14 bytes");
            Assert.That(System.Text.Encoding.ASCII.GetString(file, idb + 20, 14), Is.EqualTo("guest1/xennet0"));
        });

        int idbLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(idb + 4));
        byte[] idbBytes = file[idb..(idb + idbLength)];
        Assert.Multiple(() =>
        {
            Assert.That(Contains(idbBytes, [6, 0, 6, 0, 0x00, 0x16, 0x3E, 0x12, 0x34, 0x56, 0, 0]), Is.True, "if_MACaddr");
            Assert.That(Contains(idbBytes, [9, 0, 1, 0, 9, 0, 0, 0]), Is.True, "if_tsresol = 10^-9");
            Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(idb + idbLength - 4)), Is.EqualTo((uint)idbLength));
        });

        int epb = idb + idbLength;
        byte[] expected =
        [
            6, 0, 0, 0, 52, 0, 0, 0,  // EPB, total length 52
            0, 0, 0, 0,               // interface 0
            1, 0, 0, 0, 2, 0, 0, 0,   // timestamp high, low
            5, 0, 0, 0, 5, 0, 0, 0,   // captured, original length
            1, 2, 3, 4, 5, 0, 0, 0,   // data padded to 32 bits
            2, 0, 4, 0, 2, 0, 0, 0,   // epb_flags: outbound
            0, 0, 0, 0,               // opt_endofopt
            52, 0, 0, 0,
        ];
        Assert.That(file[epb..], Is.EqualTo(expected));
    }

    /// <summary>
    /// Regression: under the threaded scheduler every domain's vCPU thread
    /// taps into the one all.pcapng; unsynchronised, blocks tore and the
    /// stream threw inside a vCPU, crashing that domain (seen in udp-stream).
    /// </summary>
    [Test]
    public void PacketsFromManyThreadsStayWholeBlocks()
    {
        const int Threads = 4;
        const int PerThread = 2000;
        byte[] file = Write(w =>
        {
            uint id = w.AddInterface("guest1/xennet0", "x", new byte[6], 65535);
            Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, t =>
            {
                byte[] frame = new byte[60 + t];
                for (int i = 0; i < PerThread; i++)
                {
                    w.WritePacket(id, (ulong)i, frame, inbound: t % 2 == 0);
                }
            });
        });

        int offset = 0;
        int packets = 0;
        while (offset < file.Length)
        {
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(offset));
            int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(offset + 4));
            Assert.That(length, Is.GreaterThan(0).And.LessThanOrEqualTo(file.Length - offset), $"block at {offset}");
            Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(offset + length - 4)), Is.EqualTo((uint)length), $"trailing length of the block at {offset}");
            packets += type == PcapngWriter.EnhancedPacketBlock ? 1 : 0;
            offset += length;
        }

        Assert.That(packets, Is.EqualTo(Threads * PerThread));
    }

    private static bool Contains(byte[] haystack, byte[] needle) =>
        haystack.AsSpan().IndexOf(needle) >= 0;

    /// <summary>Keeps the bytes readable after the writer disposes its stream.</summary>
    private sealed class NonClosing(Stream inner) : MemoryStream
    {
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

        public override void Flush() => inner.Flush();
    }
}
