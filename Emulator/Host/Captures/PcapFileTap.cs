namespace XvifSim.Host.Captures;

/// <summary>
/// One interface's classic pcap file, written by libpcap: Ethernet link
/// type, nanosecond timestamps (magic a1b23c4d) taken from the scheduler's
/// clock, so the deterministic scheduler gives byte-identical files.
/// Frames in both directions go to the one file, once each. Nothing is
/// allocated per frame.
/// </summary>
internal sealed class PcapFileTap : IDisposable
{
    private readonly LibpcapDump _dump;
    private readonly Func<ulong> _clock;

    public PcapFileTap(string path, Func<ulong> clock)
    {
        Path = path;
        _clock = clock;
        _dump = new LibpcapDump(path, snapLength: 65535);
    }

    public string Path { get; }

    public long Frames { get; private set; }

    public void Write(ReadOnlySpan<byte> frame)
    {
        _dump.Write(_clock(), frame);
        Frames++;
    }

    public void Dispose() => _dump.Dispose();
}
