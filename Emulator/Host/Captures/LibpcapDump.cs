using System.Runtime.InteropServices;

namespace XvifSim.Host.Captures;

/// <summary>
/// libpcap's savefile writer (pcap_dump_open, pcap_dump, pcap-savefile(5)),
/// called directly on Debian's libpcap0.8. SharpPcap's
/// CaptureFileWriterDevice.Write wraps the same pcap_dump but marshals each
/// record header into a fresh AllocHGlobal block and allocates a timestamp
/// object per frame: about 0.7-1.6 µs and 64 bytes per frame, several times
/// the cost of moving the frame guest to guest. Here the header is a struct
/// on the stack and the frame is pinned in place.
/// </summary>
internal sealed class LibpcapDump : IDisposable
{
    private const string Libpcap = "libpcap.so.0.8";

    /// <summary>LINKTYPE_ETHERNET (DLT_EN10MB).</summary>
    private const int LinkTypeEthernet = 1;

    /// <summary>PCAP_TSTAMP_PRECISION_NANO: the file's magic is a1b23c4d and tv_usec holds nanoseconds.</summary>
    private const uint TstampPrecisionNano = 1;

    private nint _pcap;
    private nint _dumper;

    public LibpcapDump(string path, int snapLength)
    {
        _pcap = pcap_open_dead_with_tstamp_precision(LinkTypeEthernet, snapLength, TstampPrecisionNano);
        if (_pcap == 0)
        {
            throw new InvalidOperationException($"libpcap could not make a handle for {path}");
        }

        _dumper = pcap_dump_open(_pcap, path);
        if (_dumper == 0)
        {
            string error = Marshal.PtrToStringUTF8(pcap_geterr(_pcap)) ?? "unknown error";
            pcap_close(_pcap);
            throw new IOException($"libpcap could not open {path}: {error}");
        }
    }

    /// <summary>Appends one record: the time as seconds and nanoseconds, and the whole frame.</summary>
    public void Write(ulong timeNs, ReadOnlySpan<byte> frame)
    {
        ObjectDisposedException.ThrowIf(_dumper == 0, this);
        var header = new PcapPkthdr
        {
            TvSec = (nint)(timeNs / 1_000_000_000),
            TvUsec = (nint)(timeNs % 1_000_000_000),
            Caplen = (uint)frame.Length,
            Len = (uint)frame.Length,
        };
        pcap_dump(_dumper, ref header, ref MemoryMarshal.GetReference(frame));
    }

    public void Dispose()
    {
        if (_dumper != 0)
        {
            pcap_dump_close(_dumper);
            pcap_close(_pcap);
            _dumper = 0;
            _pcap = 0;
        }
    }

    /// <summary>struct pcap_pkthdr on LP64 Linux: a struct timeval of two longs, then caplen and len.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct PcapPkthdr
    {
        public nint TvSec;
        public nint TvUsec;
        public uint Caplen;
        public uint Len;
    }

#pragma warning disable SYSLIB1054 // LibraryImport's generated code needs unsafe blocks, which the project keeps off
    [DllImport(Libpcap)]
    private static extern nint pcap_open_dead_with_tstamp_precision(int linktype, int snaplen, uint precision);

    [DllImport(Libpcap)]
    private static extern nint pcap_dump_open(nint p, [MarshalAs(UnmanagedType.LPUTF8Str)] string fname);

    [DllImport(Libpcap)]
    private static extern void pcap_dump(nint user, ref PcapPkthdr h, ref byte sp);

    [DllImport(Libpcap)]
    private static extern void pcap_dump_close(nint p);

    [DllImport(Libpcap)]
    private static extern void pcap_close(nint p);

    [DllImport(Libpcap)]
    private static extern nint pcap_geterr(nint p);
#pragma warning restore SYSLIB1054
}
