using System.Diagnostics;

namespace XvifSim.Host.Captures;

/// <summary>
/// Writes a capture session's files on a thread of its own, so that a vCPU
/// crossing an interface only stamps the record and copies its bytes once
/// into a preallocated ring; the writer thread then writes the interface's
/// pcap record and all.pcapng's Enhanced Packet Block from those same bytes,
/// through 1 MiB file buffers. Nothing is allocated per record.
/// <para>
/// Time order: a record is stamped with the clock and placed in the ring
/// under one lock, and the ring is written in order, so all.pcapng is in time
/// order under the threaded scheduler (its clock is monotonic) and holds
/// exactly the bytes the synchronous writers wrote under the deterministic
/// one (Tests/XvifSim.Tests/Host/Captures/CaptureGoldenTests.cs).
/// </para>
/// <para>
/// A full ring is back-pressure: the vCPU waits for the writer, up to
/// <see cref="WaitLimit"/>, so the files stay complete. A record that still
/// finds no room, or that comes once the writer has failed or closed, is
/// counted in <see cref="Dropped"/>; the first failure is kept in
/// <see cref="Failure"/> and logged, and the host's next step throws it.
/// </para>
/// </summary>
internal sealed partial class CaptureWriter : IPcapngRecords, IDisposable
{
    /// <summary>The ring's bytes: a few thousand 1514-byte frames, the writer's slack while the disk catches up.</summary>
    public const int DefaultDataBytes = 8 << 20;

    /// <summary>The ring's records: enough for 64-byte frames to fill <see cref="DefaultDataBytes"/> about a tenth.</summary>
    public const int DefaultSlots = 16384;

    /// <summary>The largest record: a frame up to the 65535-byte snap length, or a trace record.</summary>
    public const int MaxRecord = 65535;

    /// <summary>Records the writer takes per turn before it frees their room for the vCPUs.</summary>
    private const int Batch = 256;

    /// <summary>A waiting writer is woken once this much is queued; less than that waits for <see cref="IdleWake"/>, so a trickle of frames costs no wake-up each.</summary>
    private const int WakeRecords = 128;

    private const int WakeBytes = 128 << 10;

    private static readonly TimeSpan IdleWake = TimeSpan.FromMilliseconds(10);

    private readonly object _gate = new();
    private readonly Slot[] _slots;
    private readonly byte[] _data;
    private readonly PcapngWriter _all;
    private readonly string _directory;
    private readonly Action<string>? _log;
    private readonly Thread _thread;
    private PcapFile[] _files = [];

    // Guarded by _gate. Records and bytes are counted from the start of the
    // run, so "used" is head - tail and nothing wraps in a run's lifetime.
    private long _head;
    private long _tail;
    private long _dataHead;
    private long _dataTail;
    private uint _interfaces;
    private bool _writerIdle;
    private bool _closing;
    private int _waiting;
    private long _dropped;

    // Written by the writer thread only; read with Interlocked from others.
    private long _bytesWritten;
    private CaptureWriteException? _failure;

    /// <summary>
    /// Starts the writer thread over <paramref name="all"/>; failures are
    /// reported against <paramref name="directory"/> and to <paramref name="log"/>
    /// (called on the writer thread).
    /// </summary>
    public CaptureWriter(PcapngWriter all, string directory, Action<string>? log = null, int dataBytes = DefaultDataBytes, int slots = DefaultSlots)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dataBytes, 2 * MaxRecord);
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 2);
        _all = all;
        _directory = directory;
        _log = log;
        _data = GC.AllocateUninitializedArray<byte>(dataBytes, pinned: false);
        _slots = new Slot[slots];
        _thread = new Thread(Run) { IsBackground = true, Name = $"capture writer {Path.GetFileName(directory)}" };
        _thread.Start();
    }

    /// <summary>How long a vCPU waits for room in a full ring before the record is dropped and the writer declared stalled.</summary>
    public TimeSpan WaitLimit { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The first failure of the writer (a write that threw, or a stall), or null.</summary>
    public CaptureWriteException? Failure
    {
        get
        {
            lock (_gate)
            {
                return _failure;
            }
        }
    }

    /// <summary>Records not written: they came after a failure or after close, or found no room within <see cref="WaitLimit"/>.</summary>
    public long Dropped
    {
        get
        {
            lock (_gate)
            {
                return _dropped;
            }
        }
    }

    /// <summary>Bytes the writer thread has written to the files so far (pcap records and all.pcapng blocks), for the bench's bytes-written rate.</summary>
    public long BytesWritten => Interlocked.Read(ref _bytesWritten);

    /// <summary>Hands <paramref name="file"/> to the writer; returns its index for <see cref="Frame"/>. The writer owns it from now on and closes it.</summary>
    public int AddFile(PcapFile file)
    {
        lock (_gate)
        {
            _files = [.. _files, file];
            return _files.Length - 1;
        }
    }

    /// <inheritdoc/>
    public uint AddInterface(string name, string description, ReadOnlySpan<byte> mac, uint snapLength, ushort linkType = PcapngWriter.LinkTypeEthernet)
    {
        var interfaceDescription = new InterfaceDescription(name, description, mac.ToArray(), snapLength, linkType);
        lock (_gate)
        {
            // The id is the IDB's place among the IDBs, which the ring's order keeps.
            uint id = _interfaces++;
            Enqueue(file: -1, id, clock: null, [], Direction.None, interfaceDescription);
            return id;
        }
    }

    /// <summary>A frame for interface file <paramref name="file"/> and all.pcapng interface <paramref name="interfaceId"/>, stamped with <paramref name="clock"/>; false if it was dropped.</summary>
    public bool Frame(int file, uint interfaceId, Func<ulong> clock, ReadOnlySpan<byte> frame, bool inbound)
    {
        lock (_gate)
        {
            return Enqueue(file, interfaceId, clock, frame, inbound ? Direction.In : Direction.Out, null);
        }
    }

    /// <inheritdoc/>
    public void WritePacket(uint interfaceId, Func<ulong> clock, ReadOnlySpan<byte> frame, bool? inbound)
    {
        Direction direction = inbound switch { null => Direction.None, true => Direction.In, false => Direction.Out };
        lock (_gate)
        {
            Enqueue(file: -1, interfaceId, clock, frame, direction, null);
        }
    }

    /// <summary>Writes what is queued, flushes and closes every file; a failure on the way is kept in <see cref="Failure"/>, not thrown.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_closing)
            {
                return;
            }

            _closing = true;
            Monitor.PulseAll(_gate);
        }

        _thread.Join();
        foreach (PcapFile file in _files)
        {
            Close(file);
        }

        Close(_all);
    }

    /// <summary>Under _gate: waits for room, stamps, copies the bytes in once and publishes the record.</summary>
    private bool Enqueue(int file, uint interfaceId, Func<ulong>? clock, ReadOnlySpan<byte> bytes, Direction direction, InterfaceDescription? description)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bytes.Length, MaxRecord);
        if (!Reserve(bytes.Length, out int offset, out int span))
        {
            _dropped++;
            return false;
        }

        // Stamped after any wait, under the lock that fixes the record's place: the ring is in time order.
        _slots[_head % _slots.Length] = new Slot
        {
            File = file,
            Interface = interfaceId,
            TimeNs = clock?.Invoke() ?? 0,
            Direction = direction,
            Offset = offset,
            Length = bytes.Length,
            Span = span,
            Description = description,
        };
        bytes.CopyTo(_data.AsSpan(offset));
        _head++;
        _dataHead += span;
        if (_writerIdle && (_head - _tail >= WakeRecords || _dataHead - _dataTail >= WakeBytes))
        {
            Monitor.PulseAll(_gate);
        }

        return true;
    }

    /// <summary>
    /// Under _gate: finds <paramref name="length"/> contiguous bytes (a record
    /// that would cross the end of the data ring starts at 0, and the skipped
    /// tail is freed with it) and a slot, waiting while the ring is full.
    /// </summary>
    private bool Reserve(int length, out int offset, out int span)
    {
        long deadline = 0;
        while (true)
        {
            offset = 0;
            span = 0;
            if (_failure is not null || _closing)
            {
                return false;
            }

            int at = (int)(_dataHead % _data.Length);
            bool wraps = at + length > _data.Length;
            offset = wraps ? 0 : at;
            span = wraps ? _data.Length - at + length : length;
            if (_head - _tail < _slots.Length && _dataHead - _dataTail + span <= _data.Length)
            {
                return true;
            }

            long now = Stopwatch.GetTimestamp();
            deadline = deadline == 0 ? now + (long)(WaitLimit.TotalSeconds * Stopwatch.Frequency) : deadline;
            if (now >= deadline)
            {
                Fail(new CaptureWriteException(_directory, $"the capture writer freed no room for {WaitLimit.TotalSeconds:0.#} s; frames from here on are not captured"));
                return false;
            }

            _waiting++;
            Monitor.PulseAll(_gate);
            Monitor.Wait(_gate, TimeSpan.FromTicks(Math.Max(1, (deadline - now) * TimeSpan.TicksPerSecond / Stopwatch.Frequency)));
            _waiting--;
        }
    }

    /// <summary>Under _gate: keeps the first failure, logs it, and releases whoever waits.</summary>
    private void Fail(CaptureWriteException failure)
    {
        if (_failure is not null)
        {
            return;
        }

        _failure = failure;
        _log?.Invoke(failure.Message);
        Monitor.PulseAll(_gate);
    }

    private void Close(IDisposable file)
    {
        try
        {
            file.Dispose();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            lock (_gate)
            {
                Fail(new CaptureWriteException(_directory, e.Message, e));
            }
        }
    }

    /// <summary>epb_flags' direction bits; None leaves the option out.</summary>
    private enum Direction : byte
    {
        None,
        In,
        Out,
    }

    /// <summary>One queued record: where its bytes are in the data ring and where they go.</summary>
    private struct Slot
    {
        /// <summary>The interface's pcap file, or -1 for all.pcapng only.</summary>
        public int File;
        public uint Interface;
        public ulong TimeNs;
        public Direction Direction;
        public int Offset;
        public int Length;

        /// <summary>Bytes of the data ring this record frees: its length, plus the tail it skipped.</summary>
        public int Span;

        /// <summary>An Interface Description Block to write instead of a packet (rare: one per interface).</summary>
        public InterfaceDescription? Description;
    }

    private sealed record InterfaceDescription(string Name, string Text, byte[] Mac, uint SnapLength, ushort LinkType);
}
