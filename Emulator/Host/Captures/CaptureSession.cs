using SharpPcap;
using XvifSim.Guest.Net;

namespace XvifSim.Host.Captures;

/// <summary>
/// The captures of one scenario run: a classic pcap per interface,
/// <c>&lt;domain&gt;.&lt;interface&gt;.pcap</c>, and <c>all.pcapng</c> with every
/// interface named <c>&lt;domain&gt;/&lt;interface&gt;</c>, its MAC and a
/// description, so Wireshark's interface column tells where a frame was
/// seen. It taps each interface it is given; every frame that crosses one is
/// written once to its file and once to all.pcapng.
/// <para>
/// A file belongs to an interface name for the whole run: when a domain's
/// interface goes and comes back under the same name (network-detach and
/// -attach, a backend recreated at resume), the new interface is tapped into
/// the file and the all.pcapng interface already open for that name, so the
/// frames before and after stay in one file (reopening would truncate it).
/// </para>
/// </summary>
internal sealed class CaptureSession : IDisposable
{
    private readonly Func<ulong> _clock;
    private readonly PcapngWriter _all;
    private readonly List<Tap> _taps = [];
    private readonly Dictionary<string, Tap> _byName = new(StringComparer.Ordinal);

    /// <summary>
    /// Opens the directory's files; <paramref name="comments"/> (scenario,
    /// seed, version) go into all.pcapng's section header.
    /// </summary>
    public CaptureSession(string directory, Func<ulong> clock, IReadOnlyList<string>? comments = null)
    {
        RequireLibpcap();
        Directory = directory;
        _clock = clock;
        string all = System.IO.Path.Combine(directory, "all.pcapng");
        try
        {
            System.IO.Directory.CreateDirectory(directory);

            // A 1 MiB buffer: every frame that crosses an interface lands here, and
            // FileStream's default 4 KiB would mean a write(2) every few dozen frames.
            _all = new PcapngWriter(new FileStream(all, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 1 << 20), "XvifSim", comments);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new CaptureFileException(all, e.Message, e);
        }

        Trace = new PcapngTraceSink(_all, clock);
    }

    public string Directory { get; }

    /// <summary>
    /// The first interface capture file that could not be created; null while
    /// every file could be. That interface is not captured, and whoever drives
    /// the run throws this on its own thread to stop the run.
    /// </summary>
    public CaptureFileException? Failure { get; private set; }

    /// <summary>The sink that writes protocol records into all.pcapng (docs/trace-format.md); install it on the machine to trace.</summary>
    public PcapngTraceSink Trace { get; }

    /// <summary>The per-interface files written so far, with their frame counts.</summary>
    public IReadOnlyList<(string Name, string Path, long Frames)> Files =>
        [.. _taps.Select(t => (t.Name, t.File.Path, t.File.Frames))];

    /// <summary>Starts capturing <paramref name="iface"/> of <paramref name="domain"/>, into the file of its name if it had one.</summary>
    public void Attach(string domain, NetworkInterface iface, string description)
    {
        string name = $"{domain}/{iface.Name}";
        if (_byName.TryGetValue(name, out Tap? existing))
        {
            iface.AddTap(existing);
            return;
        }

        string path = System.IO.Path.Combine(Directory, $"{domain}.{iface.Name}.pcap");
        PcapFileTap file;
        try
        {
            file = new PcapFileTap(path, _clock);
        }
        catch (IOException e)
        {
            // Attach runs on the vCPU that attached the interface: a throw would crash that domain, not stop the run.
            Failure ??= new CaptureFileException(path, e.Message, e);
            return;
        }

        Span<byte> mac = stackalloc byte[6];
        iface.Mac.CopyTo(mac);
        uint id = _all.AddInterface(name, description, mac, 65535);
        var tap = new Tap(name, file, _all, id, _clock);
        _taps.Add(tap);
        _byName.Add(name, tap);
        iface.AddTap(tap);
    }

    public void Dispose()
    {
        foreach (Tap tap in _taps)
        {
            tap.File.Dispose();
        }

        _all.Dispose();
    }

    /// <summary>SharpPcap needs Debian's libpcap0.8; without it say so instead of failing deep inside.</summary>
    public static void RequireLibpcap()
    {
        if (Pcap.LibpcapVersion == new Version(0, 0))
        {
            throw new InvalidOperationException("libpcap is missing: install the Debian package libpcap0.8 (apt-get install libpcap0.8)");
        }
    }

    private sealed class Tap(string name, PcapFileTap file, PcapngWriter all, uint id, Func<ulong> clock) : ICaptureTap
    {
        public string Name { get; } = name;

        public PcapFileTap File { get; } = file;

        public void Frame(NetworkInterface iface, FrameDirection direction, ReadOnlySpan<byte> frame)
        {
            File.Write(frame);
            all.WritePacket(id, clock, frame, direction == FrameDirection.In);
        }
    }
}
