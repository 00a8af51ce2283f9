using System.Buffers.Binary;

namespace XvifSim.Host.Captures;

/// <summary>
/// One interface's classic pcap file (pcap-savefile(5)): Ethernet link type,
/// nanosecond timestamps (magic a1b23c4d, tv_usec holding nanoseconds) taken
/// from the scheduler's clock, so the deterministic scheduler gives
/// byte-identical files. The same bytes libpcap's pcap_dump_open and pcap_dump
/// write (Tests/XvifSim.Tests/Host/Captures/CaptureGoldenTests.cs holds the
/// hashes of files libpcap wrote), through a 1 MiB buffer instead of stdio's
/// 4 KiB: a capture session's writer thread writes every frame here and into
/// all.pcapng. Nothing is allocated per frame.
/// </summary>
internal sealed class PcapFile : IDisposable
{
    /// <summary>The file header's magic for nanosecond timestamps, in the writer's (little-endian) byte order.</summary>
    public const uint MagicNanoseconds = 0xA1B23C4D;

    /// <summary>struct pcap_file_header: magic, version 2.4, thiszone, sigfigs, snaplen, linktype.</summary>
    public const int FileHeaderLength = 24;

    /// <summary>struct pcap_sf_pkthdr: 32-bit seconds and nanoseconds, caplen, len.</summary>
    public const int RecordHeaderLength = 16;

    /// <summary>LINKTYPE_ETHERNET (DLT_EN10MB).</summary>
    private const uint LinkTypeEthernet = 1;

    private readonly FileStream _stream;

    /// <summary>Creates (or truncates) <paramref name="path"/> and writes the file header.</summary>
    public PcapFile(string path, int snapLength = 65535)
    {
        Path = path;
        _stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 1 << 20);
        Span<byte> header = stackalloc byte[FileHeaderLength];
        BinaryPrimitives.WriteUInt32LittleEndian(header, MagicNanoseconds);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 4);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], (uint)snapLength);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], LinkTypeEthernet);
        _stream.Write(header);
    }

    public string Path { get; }

    /// <summary>Records written so far.</summary>
    public long Frames { get; private set; }

    /// <summary>Appends one record: the time as seconds and nanoseconds, and the whole frame.</summary>
    public void Write(ulong timeNs, ReadOnlySpan<byte> frame)
    {
        Span<byte> header = stackalloc byte[RecordHeaderLength];
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)(timeNs / 1_000_000_000));
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)(timeNs % 1_000_000_000));
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], (uint)frame.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], (uint)frame.Length);
        _stream.Write(header);
        _stream.Write(frame);
        Frames++;
    }

    /// <summary>Pushes the buffer to the file.</summary>
    public void Flush() => _stream.Flush();

    public void Dispose() => _stream.Dispose();
}
