namespace XvifSim.Host.Captures;

/// <summary>The writer thread: takes records in ring order, writes them, frees their room.</summary>
internal sealed partial class CaptureWriter
{
    private void Run()
    {
        try
        {
            while (Take(out long from, out long to))
            {
                long freed = 0;
                for (long i = from; i < to; i++)
                {
                    freed += Write(ref _slots[i % _slots.Length]);
                }

                lock (_gate)
                {
                    _tail = to;
                    _dataTail += freed;
                    if (_waiting > 0)
                    {
                        Monitor.PulseAll(_gate);
                    }
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
            to = Math.Min(_head, _tail + Batch);
            return from != to;
        }
    }

    /// <summary>Writes one record from the ring (outside _gate: the vCPUs do not touch a slot until it is freed); returns the bytes it frees.</summary>
    private int Write(ref Slot slot)
    {
        if (slot.Description is { } d)
        {
            uint id = _all.AddInterface(d.Name, d.Text, d.Mac, d.SnapLength, d.LinkType);
            if (id != slot.Interface)
            {
                throw new InvalidOperationException($"all.pcapng interface {d.Name} became id {id}, not the {slot.Interface} its records use");
            }

            slot.Description = null;
            Interlocked.Add(ref _bytesWritten, PcapngWriter.InterfaceBlockLength(d.Name, d.Text, d.Mac.Length));
            return slot.Span;
        }

        ReadOnlySpan<byte> bytes = _data.AsSpan(slot.Offset, slot.Length);
        long written = 0;
        if (slot.File >= 0)
        {
            _files[slot.File].Write(slot.TimeNs, bytes);
            written += PcapFile.RecordHeaderLength + bytes.Length;
        }

        bool? inbound = slot.Direction switch { Direction.In => true, Direction.Out => false, _ => null };
        written += _all.WritePacket(slot.Interface, slot.TimeNs, bytes, inbound);
        Interlocked.Add(ref _bytesWritten, written);
        return slot.Span;
    }
}
