using System.Buffers.Binary;

namespace XvifSim.Host.Captures;

/// <summary>
/// One interface's classic pcap file (pcap-savefile(5)): Ethernet link type,
/// nanosecond timestamps (magic a1b23c4d, tv_usec holding nanoseconds) taken
/// from the scheduler's clock, so the deterministic scheduler gives
/// byte-identical files. The same bytes libpcap's pcap_dump_open and pcap_dump
/// write (Tests/XvifSim.Tests/Host/Captures/CaptureGoldenTests.cs holds the
/// hashes of files libpcap wrote). A capture session's writer thread appends
/// each record to a buffer of <see cref="BufferBytes"/>, allocated with the
/// first record, and hands the file a full buffer in one write(2); nothing
/// is allocated per frame.
/// </summary>
internal sealed class PcapFile : IDisposable
{
    /// <summary>The file header's magic for nanosecond timestamps, in the writer's (little-endian) byte order.</summary>
    public const uint MagicNanoseconds = 0xA1B23C4D;

    /// <summary>struct pcap_file_header: magic, version 2.4, thiszone, sigfigs, snaplen, linktype.</summary>
    public const int FileHeaderLength = 24;

    /// <summary>struct pcap_sf_pkthdr: 32-bit seconds and nanoseconds, caplen, len.</summary>
    public const int RecordHeaderLength = 16;

    /// <summary>
    /// Records gather here before a write(2): about 85 full-MTU frames a
    /// call, so the call's own cost is small beside the copy into the page
    /// cache, while a run with thousands of interfaces (every one with a
    /// buffer once it has seen a frame) stays within reason.
    /// </summary>
    public const int BufferBytes = 128 << 10;

    /// <summary>LINKTYPE_ETHERNET (DLT_EN10MB).</summary>
    private const uint LinkTypeEthernet = 1;

    private readonly FileStream _stream;
    private byte[] _buffer;
    private int _used;

    /// <summary>Creates (or truncates) <paramref name="path"/>; the file header goes out with the first buffer, as a buffered stream's would.</summary>
    public PcapFile(string path, int snapLength = 65535)
    {
        Path = path;

        // Unbuffered: this class gathers the records itself and writes whole buffers.
        _stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 0);
        _buffer = new byte[FileHeaderLength];
        Span<byte> header = _buffer;
        BinaryPrimitives.WriteUInt32LittleEndian(header, MagicNanoseconds);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 4);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], (uint)snapLength);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], LinkTypeEthernet);
        _used = FileHeaderLength;
    }

    public string Path { get; }

    /// <summary>Records written so far.</summary>
    public long Frames { get; private set; }

    /// <summary>Appends one record: the time as seconds and nanoseconds, and the whole frame.</summary>
    public void Write(ulong timeNs, ReadOnlySpan<byte> frame)
    {
        int length = RecordHeaderLength + frame.Length;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, BufferBytes, nameof(frame));
        if (_buffer.Length < BufferBytes)
        {
            // The first record: the buffer grows from the file header alone to its working size.
            byte[] buffer = GC.AllocateUninitializedArray<byte>(BufferBytes);
            _buffer.AsSpan(0, _used).CopyTo(buffer);
            _buffer = buffer;
        }

        if (_used + length > _buffer.Length)
        {
            Flush();
        }

        Span<byte> record = _buffer.AsSpan(_used, length);
        BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)(timeNs / 1_000_000_000));
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], (uint)(timeNs % 1_000_000_000));
        BinaryPrimitives.WriteUInt32LittleEndian(record[8..], (uint)frame.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record[12..], (uint)frame.Length);
        frame.CopyTo(record[RecordHeaderLength..]);
        _used += length;
        Frames++;
    }

    /// <summary>Writes what the buffer holds to the file.</summary>
    public void Flush()
    {
        if (_used == 0)
        {
            return;
        }

        // Emptied first: a write that fails (a full disk) is reported once, not again by each later flush.
        int used = _used;
        _used = 0;
        _stream.Write(_buffer, 0, used);
    }

    /// <summary>Writes what is buffered and closes the file, which is closed even when that write fails.</summary>
    public void Dispose()
    {
        try
        {
            Flush();
        }
        finally
        {
            _stream.Dispose();
        }
    }
}
