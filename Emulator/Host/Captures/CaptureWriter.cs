using System.Diagnostics;

namespace XvifSim.Host.Captures;

/// <summary>
/// Writes a capture session's files on a thread of its own. A vCPU crossing
/// an interface formats its frame once, as the Enhanced Packet Block
/// all.pcapng holds, straight into a preallocated ring: under one short lock
/// it takes the record's place and its timestamp, then outside the lock it
/// lays out the block's head, copies the frame's bytes in (per segment, see
/// <see cref="Append"/>), adds the tail and marks the record complete. The
/// writer thread writes runs of the ring to all.pcapng as they are, one call
/// per run, and derives from each block the interface's pcap record (the
/// same timestamp and bytes under a 16-byte header), gathered in the file's
/// own buffer. Nothing is allocated per record, no system call is made on a
/// vCPU, and the writer is woken only once enough is queued.
/// <para>
/// Time order: the place in the ring and the timestamp are taken under the
/// same lock, and the ring is written in order, so all.pcapng is in time
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
    /// <summary>The ring's bytes: thousands of 1514-byte frames, the writer's slack while the disk catches up.</summary>
    public const int DefaultDataBytes = 16 << 20;

    /// <summary>The ring's records: as many 64-byte frames' blocks as fill about half of <see cref="DefaultDataBytes"/>.</summary>
    public const int DefaultSlots = 1 << 16;

    /// <summary>The largest frame or trace record: the 65535-byte snap length.</summary>
    public const int MaxFrame = 65535;

    /// <summary>The largest block in the ring: a <see cref="MaxFrame"/> frame's Enhanced Packet Block (an interface's block is far smaller).</summary>
    public const int MaxRecord = PcapngWriter.PacketHeadLength + ((MaxFrame + 3) & ~3) + 8 + 4 + 4;

    /// <summary>A waiting writer is woken once this many records are queued; fewer wait for <see cref="IdleWake"/>, so a trickle of frames costs no wake-up each.</summary>
    private const int WakeRecords = 256;

    /// <summary>... or once this many bytes are.</summary>
    private const int WakeBytes = 256 << 10;

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
    private long _waitTicks;

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
        // Twice the largest record: a record that would cross the ring's end starts at 0, so an empty ring always has room for it.
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

    /// <summary>
    /// The time vCPUs have spent waiting for room in a full ring, added up
    /// over every vCPU: back-pressure, the share of a run that the writer
    /// (or the disk behind it) rather than the data path set the pace.
    /// </summary>
    public TimeSpan BackPressure
    {
        get
        {
            lock (_gate)
            {
                return Stopwatch.GetElapsedTime(0, _waitTicks);
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
        // Laid out here (once per interface, so it may allocate), queued under the lock that gives the id: the id is the block's place among the interface blocks, which the ring's order keeps.
        // Room for the block: its fixed fields and options (under 64 bytes), the name, the description and the MAC.
        byte[] block = new byte[64 + System.Text.Encoding.UTF8.GetMaxByteCount(name.Length + description.Length) + mac.Length];
        int length = PcapngWriter.FormatInterface(block, name, description, mac, snapLength, linkType);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, MaxRecord, nameof(description));
        lock (_gate)
        {
            if (!Reserve(length, out long slot, out int offset))
            {
                _dropped++;
                return _interfaces++;
            }

            block.AsSpan(0, length).CopyTo(_data.AsSpan(offset));
            _slots[slot % _slots.Length].Complete = true;
            return _interfaces++;
        }
    }

    /// <summary>A frame for interface file <paramref name="file"/> and all.pcapng interface <paramref name="interfaceId"/>, stamped with <paramref name="clock"/>; false if it was dropped.</summary>
    public bool Frame(int file, uint interfaceId, Func<ulong> clock, ReadOnlySpan<byte> frame, bool inbound)
    {
        if (!Begin(file, interfaceId, clock, frame.Length, inbound, out Record record))
        {
            return false;
        }

        try
        {
            Append(ref record, frame);
        }
        finally
        {
            Commit(in record);
        }

        return true;
    }

    /// <inheritdoc/>
    public void WritePacket(uint interfaceId, Func<ulong> clock, ReadOnlySpan<byte> frame, bool? inbound)
    {
        if (Begin(file: -1, interfaceId, clock, frame.Length, inbound, out Record record))
        {
            try
            {
                Append(ref record, frame);
            }
            finally
            {
                Commit(in record);
            }
        }
    }

    /// <summary>
    /// Takes the next place in the ring for a <paramref name="frameLength"/>-byte
    /// frame, waiting while the ring is full, stamps it with
    /// <paramref name="clock"/> and lays out its block's head; false (and
    /// counted in <see cref="Dropped"/>) if there is no place. The caller then
    /// <see cref="Append"/>s exactly <paramref name="frameLength"/> bytes and
    /// calls <see cref="Commit"/>, at once: the writer waits for the record,
    /// so a thread must not begin another before (in a full ring the second
    /// would wait for room that only the first one's commit can free).
    /// </summary>
    public bool Begin(int file, uint interfaceId, Func<ulong> clock, int frameLength, bool? inbound, out Record record)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(frameLength, MaxFrame);
        int total = PcapngWriter.PacketBlockLength(frameLength, inbound);
        long slot;
        int offset;
        ulong timeNs;
        lock (_gate)
        {
            if (!Reserve(total, out slot, out offset))
            {
                _dropped++;
                record = default;
                return false;
            }

            // Stamped after any wait, under the lock that fixes the record's place: the ring is in time order.
            try
            {
                timeNs = clock();
            }
            catch
            {
                // The writer waits for every place in order: this one is given back empty.
                _slots[slot % _slots.Length].Length = 0;
                _slots[slot % _slots.Length].Complete = true;
                throw;
            }
        }

        ref Slot s = ref _slots[slot % _slots.Length];
        s.File = file;
        s.FrameLength = frameLength;
        s.TimeNs = timeNs;
        PcapngWriter.FormatPacketHead(_data.AsSpan(offset, PcapngWriter.PacketHeadLength), interfaceId, timeNs, frameLength, total);
        record = new Record(slot, offset + PcapngWriter.PacketHeadLength, frameLength, inbound, total);
        return true;
    }

    /// <summary>Copies the next piece of the frame into its place in the ring (a frame in segments is appended segment by segment).</summary>
    public void Append(ref Record record, ReadOnlySpan<byte> bytes)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(record.Appended + bytes.Length, record.FrameLength, nameof(bytes));
        bytes.CopyTo(_data.AsSpan(record.FrameOffset + record.Appended));
        record.Appended += bytes.Length;
    }

    /// <summary>
    /// Lays out the block's tail and hands the record to the writer. Call it
    /// whatever happened after <see cref="Begin"/> (in a finally): the writer
    /// waits for every record in order, so one never committed would stop
    /// it. A record short of its length is committed zero-filled, then the
    /// broken invariant is thrown.
    /// </summary>
    public void Commit(in Record record)
    {
        int end = record.FrameOffset + record.FrameLength;
        _data.AsSpan(record.FrameOffset + record.Appended, record.FrameLength - record.Appended).Clear();
        PcapngWriter.FormatPacketTail(_data.AsSpan(end, record.Total - PcapngWriter.PacketHeadLength - record.FrameLength), record.FrameLength, record.Inbound, record.Total);
        Volatile.Write(ref _slots[record.Slot % _slots.Length].Complete, true);
        if (record.Appended != record.FrameLength)
        {
            throw new InvalidOperationException($"a capture record of {record.FrameLength} bytes was committed with {record.Appended}");
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

    /// <summary>
    /// Under _gate: finds <paramref name="length"/> contiguous bytes (a record
    /// that would cross the end of the data ring starts at 0, and the skipped
    /// tail is freed with it) and a slot, waiting while the ring is full, and
    /// takes them: the slot is incomplete until its bytes are in.
    /// </summary>
    private bool Reserve(int length, out long slot, out int offset)
    {
        long deadline = 0;
        while (true)
        {
            slot = 0;
            offset = 0;
            if (_failure is not null || _closing)
            {
                return false;
            }

            int at = (int)(_dataHead % _data.Length);
            bool wraps = at + length > _data.Length;
            offset = wraps ? 0 : at;
            int span = wraps ? _data.Length - at + length : length;
            if (_head - _tail < _slots.Length && _dataHead - _dataTail + span <= _data.Length)
            {
                slot = _head;
                _slots[slot % _slots.Length] = new Slot { Offset = offset, Length = length, Span = span, File = -1 };
                _head++;
                _dataHead += span;
                if (_writerIdle && (_head - _tail >= WakeRecords || _dataHead - _dataTail >= WakeBytes))
                {
                    _writerIdle = false;
                    Monitor.PulseAll(_gate);
                }

                return true;
            }

            long now = Stopwatch.GetTimestamp();
            deadline = deadline == 0 ? now + (long)(WaitLimit.TotalSeconds * Stopwatch.Frequency) : deadline;
            if (now >= deadline)
            {
                Fail(new CaptureWriteException(_directory, $"the capture writer freed no room for {WaitLimit.TotalSeconds:0.#} s; frames from here on are not captured"));
                return false;
            }

            // The writer is busy while anything is queued, unless it is still in its idle wait (fewer records than wake it queued, in a small ring): only then does it need waking here.
            _waiting++;
            if (_writerIdle)
            {
                _writerIdle = false;
                Monitor.PulseAll(_gate);
            }

            Monitor.Wait(_gate, TimeSpan.FromTicks(Math.Max(1, (deadline - now) * TimeSpan.TicksPerSecond / Stopwatch.Frequency)));
            _waiting--;
            _waitTicks += Stopwatch.GetTimestamp() - now;
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

    /// <summary>
    /// A record a vCPU is writing: its slot, where its frame goes in the ring
    /// and how much of it is in. Taken by <see cref="Begin"/>, filled by
    /// <see cref="Append"/>, handed over by <see cref="Commit"/>.
    /// </summary>
    public struct Record(long slot, int frameOffset, int frameLength, bool? inbound, int total)
    {
        public readonly long Slot = slot;
        public readonly int FrameOffset = frameOffset;
        public readonly int FrameLength = frameLength;
        public readonly bool? Inbound = inbound;
        public readonly int Total = total;
        public int Appended;
    }

    /// <summary>One queued record: where its block is in the data ring and which pcap file, if any, gets the frame too.</summary>
    private struct Slot
    {
        /// <summary>Set (with a release) once the block's bytes are all in; the writer reads nothing of the record before.</summary>
        public bool Complete;

        /// <summary>The interface's pcap file, or -1 for all.pcapng only (trace records, interface blocks).</summary>
        public int File;
        public int Offset;
        public int Length;

        /// <summary>Bytes of the data ring this record frees: its length, plus the tail it skipped.</summary>
        public int Span;

        /// <summary>For the pcap record: the frame's length (it starts after the block's head) and its time.</summary>
        public int FrameLength;
        public ulong TimeNs;
    }
}
