using System.Diagnostics;
using System.Threading.Channels;

namespace XvifSim.Benchmarks;

/// <summary>
/// What the same bytes cost without the emulator: a plain memory copy, one
/// frame from one 4096-byte page to another on one thread (the machine's
/// limit), and an ordinary in-process transport, a bounded
/// System.Threading.Channels channel carrying each message from one thread
/// to another.
/// </summary>
internal static class Baselines
{
    /// <summary>As many messages as the channel holds: about the netif ring's 256 slots.</summary>
    public const int ChannelCapacity = 256;

    /// <summary>The sequential-write baseline's write size: what a large file buffer hands write(2) at a time.</summary>
    public const int WriteBlock = 1 << 20;

    /// <summary>
    /// Writes <paramref name="bytes"/> to a new file in <paramref name="directory"/>
    /// (the capture folder, so the same file system and the same page cache) in
    /// <see cref="WriteBlock"/> blocks, flushed, then deletes it: the bytes per
    /// second the captures could at best be written at here. ops/s is bytes
    /// per second.
    /// </summary>
    public static Measurement SequentialWrite(string directory, long bytes)
    {
        string path = Path.Combine(directory, "sequential-write-baseline.bin");
        byte[] block = new byte[WriteBlock];
        Random.Shared.NextBytes(block);
        try
        {
            long start = Stopwatch.GetTimestamp();
            using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1))
            {
                for (long written = 0; written < bytes; written += WriteBlock)
                {
                    file.Write(block, 0, (int)Math.Min(WriteBlock, bytes - written));
                }
            }

            return new Measurement($"sequential write {WriteBlock >> 20} MiB blocks, capture folder", bytes / Stopwatch.GetElapsedTime(start).TotalSeconds, 0);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Copies <paramref name="frameLength"/> bytes page to page; ops/s is frames copied per second.</summary>
    public static Measurement MemoryCopy(int frameLength, TimeSpan duration)
    {
        byte[] source = new byte[4096];
        byte[] target = new byte[4096];
        Random.Shared.NextBytes(source);
        return Measurement.Take($"memcpy {frameLength} B, page to page", duration, () => source.AsSpan(0, frameLength).CopyTo(target));
    }

    /// <summary>
    /// One writer thread copies each message into a buffer and writes the
    /// buffer to a bounded channel; one reader thread reads it and copies the
    /// bytes out, as a receiver would. The writer cycles through
    /// <see cref="ChannelCapacity"/> + 2 buffers: the channel holds at most
    /// its capacity and the reader one more, so no buffer is rewritten while
    /// unread. ops/s is messages received per second.
    /// </summary>
    public static Measurement Channel(int messageLength, TimeSpan warmUp, TimeSpan duration)
    {
        Channel<byte[]> channel = System.Threading.Channels.Channel.CreateBounded<byte[]>(new BoundedChannelOptions(ChannelCapacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        byte[][] buffers = [.. Enumerable.Range(0, ChannelCapacity + 2).Select(_ => new byte[messageLength])];
        byte[] message = new byte[messageLength];
        byte[] received = new byte[messageLength];
        long count = 0;
        bool stop = false;

        Task writer = Task.Run(async () =>
        {
            for (long n = 0; !Volatile.Read(ref stop); n++)
            {
                byte[] buffer = buffers[n % buffers.Length];
                message.CopyTo(buffer, 0);
                await channel.Writer.WriteAsync(buffer);
            }

            channel.Writer.Complete();
        });
        Task reader = Task.Run(async () =>
        {
            while (await channel.Reader.WaitToReadAsync())
            {
                while (channel.Reader.TryRead(out byte[]? buffer))
                {
                    buffer.CopyTo(received, 0);
                    Volatile.Write(ref count, count + 1);
                }
            }
        });

        Thread.Sleep(warmUp);
        long before = Volatile.Read(ref count);
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        Thread.Sleep(duration);
        long messages = Volatile.Read(ref count) - before;
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        double seconds = clock.Elapsed.TotalSeconds;
        Volatile.Write(ref stop, true);
        Task.WaitAll(writer, reader);
        return new Measurement($"Channels {messageLength} B, thread to thread", messages / seconds, (double)allocated / messages);
    }
}
