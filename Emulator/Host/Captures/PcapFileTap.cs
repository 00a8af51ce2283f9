using PacketDotNet;
using SharpPcap;
using SharpPcap.LibPcap;
using XvifSim.Guest.Net;

namespace XvifSim.Host.Captures;

/// <summary>
/// One interface's classic pcap file, written with SharpPcap: Ethernet link
/// type, nanosecond timestamps (magic a1b23c4d) taken from the scheduler's
/// clock, so the deterministic scheduler gives byte-identical files.
/// Frames in both directions go to the one file, once each.
/// </summary>
public sealed class PcapFileTap : IDisposable
{
    private readonly CaptureFileWriterDevice _writer;
    private readonly Func<ulong> _clock;
    private readonly PcapHeader _header = new(0, 0, 0, 0);

    public PcapFileTap(string path, Func<ulong> clock)
    {
        Path = path;
        _clock = clock;
        _writer = new CaptureFileWriterDevice(path, FileMode.Create);
        _writer.Open(new DeviceConfiguration
        {
            LinkLayerType = LinkLayers.Ethernet,
            TimestampResolution = TimestampResolution.Nanosecond,
            Snaplen = 65535,
        });
    }

    public string Path { get; }

    public long Frames { get; private set; }

    public void Write(ReadOnlySpan<byte> frame)
    {
        ulong now = _clock();
        _header.Timeval = new PosixTimeval(now / 1_000_000_000, now % 1_000_000_000, TimestampResolution.Nanosecond);
        _header.PacketLength = (uint)frame.Length;
        _header.CaptureLength = (uint)frame.Length;
        PcapHeader header = _header;
        _writer.Write(frame, ref header);
        Frames++;
    }

    public void Dispose() => _writer.Close();
}
