using SharpPcap;
using XvifSim.Guest.Net;

namespace XvifSim.Host.Captures;

/// <summary>
/// The captures of one scenario run: a classic pcap per interface,
/// <c>&lt;domain&gt;.&lt;interface&gt;.pcap</c>, and <c>all.pcapng</c> with every
/// interface named <c>&lt;domain&gt;/&lt;interface&gt;</c>, its MAC and a
/// description, so Wireshark's interface column tells where a frame was
/// seen. It taps each interface it is given; every frame that crosses one is
/// handed, once, to the session's <see cref="CaptureWriter"/>, whose thread
/// writes it to the interface's file and to all.pcapng, off the vCPU.
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
    private readonly CaptureWriter _writer;

    // Attach runs on whichever vCPU attached the interface; under the threaded scheduler two may at once.
    private readonly Lock _lock = new();
    private readonly List<Tap> _taps = [];
    private readonly Dictionary<string, Tap> _byName = new(StringComparer.Ordinal);
    private CaptureFileException? _createFailure;
    private IOException? _thrown;

    /// <summary>
    /// Opens the directory's files; <paramref name="comments"/> (scenario,
    /// seed, version) go into all.pcapng's section header. A failure of the
    /// writer thread goes to <paramref name="log"/> (called on that thread)
    /// and to <see cref="Failure"/>.
    /// </summary>
    public CaptureSession(string directory, Func<ulong> clock, IReadOnlyList<string>? comments = null, Action<string>? log = null)
    {
        RequireLibpcap();
        Directory = directory;
        _clock = clock;
        string all = System.IO.Path.Combine(directory, "all.pcapng");
        PcapngWriter writer;
        try
        {
            System.IO.Directory.CreateDirectory(directory);

            // The writer thread hands over runs of blocks: under load they are
            // large and FileStream passes them straight to write(2); a trickle's
            // small runs gather in this buffer instead of a write(2) each.
            writer = new PcapngWriter(new FileStream(all, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 64 << 10), "XvifSim", comments);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new CaptureFileException(all, e.Message, e);
        }

        _writer = new CaptureWriter(writer, directory, log);
        Trace = new PcapngTraceSink(_writer, clock);
    }

    public string Directory { get; }

    /// <summary>
    /// Why the captures are incomplete, or null while they are not: the first
    /// interface capture file that could not be created (a
    /// <see cref="CaptureFileException"/>; that interface is not captured),
    /// else the writer thread's failure (a <see cref="CaptureWriteException"/>).
    /// Whoever drives the run throws it on its own thread to stop the run
    /// (<see cref="ThrowIfFailed"/>).
    /// </summary>
    public IOException? Failure
    {
        get
        {
            using (_lock.EnterScope())
            {
                if (_createFailure is not null)
                {
                    return _createFailure;
                }
            }

            return _writer.Failure;
        }
    }

    /// <summary>Frames and trace records not captured because the writer had failed or could not keep up (<see cref="CaptureWriter.Dropped"/>); 0 in a run whose <see cref="Failure"/> is null.</summary>
    public long Dropped => _writer.Dropped;

    /// <summary>Bytes written to the capture files so far by the writer thread (<see cref="CaptureWriter.BytesWritten"/>).</summary>
    public long BytesWritten => _writer.BytesWritten;

    /// <summary>The time vCPUs have waited for the writer to free room, over all of them (<see cref="CaptureWriter.BackPressure"/>).</summary>
    public TimeSpan BackPressure => _writer.BackPressure;

    /// <summary>The sink that writes protocol records into all.pcapng (docs/trace-format.md); install it on the machine to trace.</summary>
    public PcapngTraceSink Trace { get; }

    /// <summary>The per-interface files, with the frames captured for each (handed to the writer; all are in the file once the session is disposed).</summary>
    public IReadOnlyList<(string Name, string Path, long Frames)> Files
    {
        get
        {
            using (_lock.EnterScope())
            {
                return [.. _taps.Select(t => (t.Name, t.Path, Interlocked.Read(ref t.Frames)))];
            }
        }
    }

    /// <summary>Throws <see cref="Failure"/> if there is one; the session remembers it was thrown, so <see cref="Dispose"/> does not throw it again.</summary>
    public void ThrowIfFailed()
    {
        if (Failure is { } failure)
        {
            _thrown = failure;
            throw failure;
        }
    }

    /// <summary>Starts capturing <paramref name="iface"/> of <paramref name="domain"/>, into the file of its name if it had one.</summary>
    public void Attach(string domain, NetworkInterface iface, string description)
    {
        string name = $"{domain}/{iface.Name}";
        Tap tap;
        using (_lock.EnterScope())
        {
            if (!_byName.TryGetValue(name, out Tap? existing))
            {
                string path = System.IO.Path.Combine(Directory, $"{domain}.{iface.Name}.pcap");
                PcapFile file;
                try
                {
                    file = new PcapFile(path);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Attach runs on the vCPU that attached the interface: a throw would crash that domain, not stop the run.
                    _createFailure ??= new CaptureFileException(path, e.Message, e);
                    return;
                }

                Span<byte> mac = stackalloc byte[6];
                iface.Mac.CopyTo(mac);
                int index = _writer.AddFile(file);
                uint id = _writer.AddInterface(name, description, mac, 65535);
                existing = new Tap(name, path, _writer, index, id, _clock);
                _taps.Add(existing);
                _byName.Add(name, existing);
            }

            tap = existing;
        }

        iface.AddTap(tap);
    }

    /// <summary>
    /// Writes what is queued and closes the files. A writer failure that
    /// <see cref="ThrowIfFailed"/> has not thrown yet (one at the final
    /// flush, say) is thrown here, after every file is closed.
    /// </summary>
    public void Dispose()
    {
        _writer.Dispose();
        if (_writer.Failure is { } failure && !ReferenceEquals(failure, _thrown))
        {
            _thrown = failure;
            throw failure;
        }
    }

    /// <summary>SharpPcap needs Debian's libpcap0.8; without it say so instead of failing deep inside.</summary>
    public static void RequireLibpcap()
    {
        if (Pcap.LibpcapVersion == new Version(0, 0))
        {
            throw new InvalidOperationException("libpcap is missing: install the Debian package libpcap0.8 (apt-get install libpcap0.8)");
        }
    }

    private sealed class Tap(string name, string path, CaptureWriter writer, int file, uint id, Func<ulong> clock) : ICaptureTap
    {
        /// <summary>Frames handed to the writer; read by <see cref="Files"/> on the host's thread.</summary>
        public long Frames;

        public string Name { get; } = name;

        public string Path { get; } = path;

        public void Frame(NetworkInterface iface, FrameDirection direction, PacketBuffer packet)
        {
            // Place and time taken, then the bytes copied in (one Append per segment of a frame in pieces), then handed over.
            if (!writer.Begin(file, id, clock, packet.Length, direction == FrameDirection.In, out CaptureWriter.Record record))
            {
                return;
            }

            try
            {
                for (int i = 0; i < packet.SegmentCount; i++)
                {
                    writer.Append(ref record, packet.Data(i));
                }
            }
            finally
            {
                writer.Commit(in record);
            }

            Interlocked.Increment(ref Frames);
        }
    }
}
