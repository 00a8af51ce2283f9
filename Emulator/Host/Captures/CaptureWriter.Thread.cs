namespace XvifSim.Host.Captures;

/// <summary>
/// The writer thread: takes what the vCPUs queued, in ring order, writes each
/// contiguous run of blocks to all.pcapng in one call and each frame's pcap
/// record into its file's buffer, and frees the room a chunk at a time.
/// </summary>
internal sealed partial class CaptureWriter
{
    /// <summary>Bytes of blocks the writer handles before it frees their room for the vCPUs (and wakes any that wait for it).</summary>
    private const int ChunkBytes = 1 << 20;

    private void Run()
    {
        try
        {
            while (Take(out long from, out long to))
            {
                while (from < to)
                {
                    from = WriteChunk(from, to);
                }
            }

            foreach (PcapFile file in Volatile.Read(ref _files))
            {
                file.Flush();
            }

            _all.Flush();
        }
        catch (Exception e)
        {
            // Whatever a write threw (a full disk, a broken invariant): kept, logged, thrown at the host's next step.
            lock (_gate)
            {
                Fail(new CaptureWriteException(_directory, e.Message, e));
            }
        }
    }

    /// <summary>Waits for records; false once closing with nothing left.</summary>
    private bool Take(out long from, out long to)
    {
        lock (_gate)
        {
            while (_head == _tail && !_closing)
            {
                _writerIdle = true;
                Monitor.Wait(_gate, IdleWake);
                _writerIdle = false;
            }

            from = _tail;
            to = _head;
            return from != to;
        }
    }

    /// <summary>
    /// Writes records from <paramref name="from"/> on, up to <see cref="ChunkBytes"/>
    /// of them or <paramref name="to"/>, outside _gate (the vCPUs do not touch
    /// a slot or its bytes until it is freed), then frees them; returns where it stopped.
    /// </summary>
    private long WriteChunk(long from, long to)
    {
        PcapFile[] files = Volatile.Read(ref _files);
        long i = from;
        long freed = 0;
        long written = 0;
        int runStart = _slots[from % _slots.Length].Offset;
        int runEnd = runStart;
        var spin = default(SpinWait);
        while (i < to && written < ChunkBytes)
        {
            ref Slot slot = ref _slots[i % _slots.Length];

            // A vCPU took this place under the lock and is copying its bytes in now.
            while (!Volatile.Read(ref slot.Complete))
            {
                spin.SpinOnce();
            }

            if (slot.Offset != runEnd)
            {
                // The record went back to the ring's start: what came before it is one run.
                _all.WriteBlocks(_data.AsSpan(runStart, runEnd - runStart));
                runStart = slot.Offset;
                runEnd = runStart;
            }

            if (slot.File >= 0 && slot.Length > 0)
            {
                files[slot.File].Write(slot.TimeNs, _data.AsSpan(slot.Offset + PcapngWriter.PacketHeadLength, slot.FrameLength));
                written += PcapFile.RecordHeaderLength + slot.FrameLength;
            }

            runEnd += slot.Length;
            written += slot.Length;
            freed += slot.Span;
            i++;
        }

        _all.WriteBlocks(_data.AsSpan(runStart, runEnd - runStart));
        Interlocked.Add(ref _bytesWritten, written);
        lock (_gate)
        {
            _tail = i;
            _dataTail += freed;
            if (_waiting > 0)
            {
                Monitor.PulseAll(_gate);
            }
        }

        return i;
    }
}
