using System.Buffers.Binary;
using System.Text;

namespace XvifSim.Host.Captures;

/// <summary>
/// A minimal pcapng writer (draft-ietf-opsawg-pcapng, "PCAP Now Generic"):
/// one Section Header Block, an Interface Description Block per interface
/// (if_name, if_description, if_MACaddr, if_tsresol = 9 for nanoseconds),
/// and an Enhanced Packet Block per frame with epb_flags giving the
/// direction (trace records, on interfaces of LINKTYPE_USER0, have none),
/// and opt_comment lines in the section header. Little-endian, as the byte-order magic says. SharpPcap writes
/// only classic pcap and no kept NuGet package here writes pcapng, so this
/// is ours. Writing a frame allocates nothing, and the frame's bytes go
/// from the caller's span to the stream's buffer without another copy.
/// </summary>
internal sealed class PcapngWriter : IPcapngRecords, IDisposable
{
    public const uint SectionHeaderBlock = 0x0A0D0D0A;
    public const uint InterfaceDescriptionBlock = 1;
    public const uint EnhancedPacketBlock = 6;
    public const uint ByteOrderMagic = 0x1A2B3C4D;
    public const ushort LinkTypeEthernet = 1;

    /// <summary>The bytes before the frame in an Enhanced Packet Block: block type and length, interface, timestamp, lengths.</summary>
    public const int PacketHeadLength = 28;

    private const ushort OptEndOfOpt = 0;
    private const ushort OptComment = 1;
    private const ushort ShbUserAppl = 4;
    private const ushort IfName = 2;
    private const ushort IfDescription = 3;
    private const ushort IfMacAddr = 6;
    private const ushort IfTsResol = 9;
    private const ushort EpbFlags = 2;

    private readonly Stream _stream;

    // all.pcapng is one file for every domain: under the threaded scheduler
    // each domain's vCPU thread taps its own interfaces, so blocks from
    // several threads meet here. Without this the shared block buffer and the
    // stream were written concurrently (torn blocks, and a BufferedFileStream
    // exception that crashed whichever domain's vCPU was tapping).
    private readonly Lock _lock = new();
    private readonly byte[] _block = new byte[32 + 65536 + 16];
    private uint _interfaces;

    /// <summary>Starts the section; each of <paramref name="comments"/> becomes an opt_comment of the Section Header Block.</summary>
    public PcapngWriter(Stream stream, string application, IReadOnlyList<string>? comments = null)
    {
        _stream = stream;
        var block = new BlockBuilder(_block);
        block.U32(ByteOrderMagic);
        block.U16(1);
        block.U16(0);
        block.U64(ulong.MaxValue); // section length: not specified
        foreach (string comment in comments ?? [])
        {
            block.Option(OptComment, Encoding.UTF8.GetBytes(comment));
        }

        block.Option(ShbUserAppl, Encoding.UTF8.GetBytes(application));
        block.Option(OptEndOfOpt, []);
        _stream.Write(_block, 0, Frame(_block, SectionHeaderBlock, block.Length));
    }

    /// <summary>
    /// Adds an interface of <paramref name="linkType"/> (Ethernet unless
    /// said); returns its id for <see cref="WritePacket(uint, Func{ulong}, ReadOnlySpan{byte}, bool?)"/>.
    /// An empty <paramref name="mac"/> leaves out if_MACaddr.
    /// </summary>
    public uint AddInterface(string name, string description, ReadOnlySpan<byte> mac, uint snapLength, ushort linkType = LinkTypeEthernet)
    {
        using Lock.Scope scope = _lock.EnterScope();
        int total = FormatInterface(_block, name, description, mac, snapLength, linkType);
        _stream.Write(_block, 0, total);
        return _interfaces++;
    }

    /// <summary>
    /// Lays out in <paramref name="block"/> the Interface Description Block
    /// <see cref="AddInterface"/> writes; returns its length. A capture
    /// session's writer queues these bytes in the order that gives the
    /// interface its id.
    /// </summary>
    public static int FormatInterface(Span<byte> block, string name, string description, ReadOnlySpan<byte> mac, uint snapLength, ushort linkType = LinkTypeEthernet)
    {
        var body = new BlockBuilder(block);
        body.U16(linkType);
        body.U16(0);
        body.U32(snapLength);
        body.Option(IfName, Encoding.UTF8.GetBytes(name));
        body.Option(IfDescription, Encoding.UTF8.GetBytes(description));
        if (!mac.IsEmpty)
        {
            body.Option(IfMacAddr, mac);
        }

        body.Option(IfTsResol, [9]);
        body.Option(OptEndOfOpt, []);
        return Frame(block, InterfaceDescriptionBlock, body.Length);
    }

    /// <summary>Writes one frame seen on <paramref name="interfaceId"/> at <paramref name="timeNs"/>; <paramref name="inbound"/> picks the epb_flags direction (null: none). Returns the block's length.</summary>
    public int WritePacket(uint interfaceId, ulong timeNs, ReadOnlySpan<byte> frame, bool? inbound)
    {
        using Lock.Scope scope = _lock.EnterScope();
        return WritePacketLocked(interfaceId, timeNs, frame, inbound);
    }

    /// <summary>
    /// Writes one block stamped with <paramref name="clock"/> read under the
    /// writer's lock, so blocks from several vCPU threads land in time order
    /// (the threaded scheduler's clock is monotonic; whichever thread takes
    /// the lock first also read the earlier time). <paramref name="inbound"/>
    /// null leaves out epb_flags (trace records have no direction).
    /// </summary>
    public void WritePacket(uint interfaceId, Func<ulong> clock, ReadOnlySpan<byte> frame, bool? inbound)
    {
        using Lock.Scope scope = _lock.EnterScope();
        WritePacketLocked(interfaceId, clock(), frame, inbound);
    }

    /// <summary>
    /// Writes blocks laid out already (<see cref="FormatInterface"/>,
    /// <see cref="FormatPacketHead"/> and <see cref="FormatPacketTail"/>), as
    /// they are: a capture session's writer thread hands over a run of its
    /// ring in one call.
    /// </summary>
    public void WriteBlocks(ReadOnlySpan<byte> blocks)
    {
        using Lock.Scope scope = _lock.EnterScope();
        _stream.Write(blocks);
    }

    /// <summary>The whole Enhanced Packet Block of a <paramref name="frameLength"/>-byte frame, with epb_flags unless <paramref name="inbound"/> is null.</summary>
    public static int PacketBlockLength(int frameLength, bool? inbound) =>
        PacketHeadLength + ((frameLength + 3) & ~3) + (inbound is null ? 0 : 8) + 4 + 4;

    /// <summary>Lays out the <see cref="PacketHeadLength"/> bytes that precede the frame in its Enhanced Packet Block of <paramref name="total"/> bytes.</summary>
    public static void FormatPacketHead(Span<byte> head, uint interfaceId, ulong timeNs, int frameLength, int total)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(head, EnhancedPacketBlock);
        BinaryPrimitives.WriteUInt32LittleEndian(head[4..], (uint)total);
        BinaryPrimitives.WriteUInt32LittleEndian(head[8..], interfaceId);
        BinaryPrimitives.WriteUInt32LittleEndian(head[12..], (uint)(timeNs >> 32));
        BinaryPrimitives.WriteUInt32LittleEndian(head[16..], (uint)timeNs);
        BinaryPrimitives.WriteUInt32LittleEndian(head[20..], (uint)frameLength);
        BinaryPrimitives.WriteUInt32LittleEndian(head[24..], (uint)frameLength);
    }

    /// <summary>
    /// Lays out what follows the frame: its padding to 32 bits, epb_flags
    /// (unless <paramref name="inbound"/> is null: trace records have no
    /// direction), opt_endofopt and the block's length again.
    /// <paramref name="tail"/> is exactly those bytes.
    /// </summary>
    public static void FormatPacketTail(Span<byte> tail, int frameLength, bool? inbound, int total)
    {
        tail.Clear();
        int at = ((frameLength + 3) & ~3) - frameLength;
        if (inbound is { } isInbound)
        {
            // epb_flags (4 bytes) bits 0-1: 01 inbound, 10 outbound.
            BinaryPrimitives.WriteUInt16LittleEndian(tail[at..], EpbFlags);
            BinaryPrimitives.WriteUInt16LittleEndian(tail[(at + 2)..], 4);
            BinaryPrimitives.WriteUInt32LittleEndian(tail[(at + 4)..], isInbound ? 1u : 2u);
        }

        // opt_endofopt (code 0, length 0) is already zero; then the block's length again.
        BinaryPrimitives.WriteUInt32LittleEndian(tail[^4..], (uint)total);
    }

    /// <summary>
    /// An Enhanced Packet Block written in three pieces (header, the frame
    /// itself, padding and options and the trailing length) so the frame is
    /// copied once, into the stream's buffer.
    /// </summary>
    private int WritePacketLocked(uint interfaceId, ulong timeNs, ReadOnlySpan<byte> frame, bool? inbound)
    {
        int total = PacketBlockLength(frame.Length, inbound);
        Span<byte> head = stackalloc byte[PacketHeadLength];
        FormatPacketHead(head, interfaceId, timeNs, frame.Length, total);
        _stream.Write(head);
        _stream.Write(frame);
        Span<byte> tail = stackalloc byte[3 + 8 + 4 + 4];
        tail = tail[..(total - PacketHeadLength - frame.Length)];
        FormatPacketTail(tail, frame.Length, inbound, total);
        _stream.Write(tail);
        return total;
    }

    /// <summary>Pushes what the stream buffered to the file.</summary>
    public void Flush()
    {
        using Lock.Scope scope = _lock.EnterScope();
        _stream.Flush();
    }

    public void Dispose()
    {
        using Lock.Scope scope = _lock.EnterScope();
        try
        {
            _stream.Flush();
        }
        finally
        {
            _stream.Dispose();
        }
    }

    /// <summary>Frames the body built at offset 8 with type and total length before and after it; returns the total.</summary>
    private static int Frame(Span<byte> block, uint type, int bodyLength)
    {
        int total = 8 + bodyLength + 4;
        BinaryPrimitives.WriteUInt32LittleEndian(block, type);
        BinaryPrimitives.WriteUInt32LittleEndian(block[4..], (uint)total);
        BinaryPrimitives.WriteUInt32LittleEndian(block[(8 + bodyLength)..], (uint)total);
        return total;
    }

    /// <summary>Appends fields after the 8-byte block header, padding as the spec requires.</summary>
    private ref struct BlockBuilder(Span<byte> buffer)
    {
        private readonly Span<byte> _body = buffer[8..];

        public int Length { get; private set; }

        public void U16(ushort value)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(_body[Length..], value);
            Length += 2;
        }

        public void U32(uint value)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(_body[Length..], value);
            Length += 4;
        }

        public void U64(ulong value)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(_body[Length..], value);
            Length += 8;
        }

        /// <summary>Raw bytes, zero-padded to a 32-bit boundary.</summary>
        public void Bytes(scoped ReadOnlySpan<byte> value)
        {
            value.CopyTo(_body[Length..]);
            int padded = (value.Length + 3) & ~3;
            _body.Slice(Length + value.Length, padded - value.Length).Clear();
            Length += padded;
        }

        /// <summary>An option: code, length, value padded to 32 bits.</summary>
        public void Option(ushort code, scoped ReadOnlySpan<byte> value)
        {
            U16(code);
            U16((ushort)value.Length);
            Bytes(value);
        }
    }
}
