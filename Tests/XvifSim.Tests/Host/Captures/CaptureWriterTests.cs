using System.Diagnostics;
using XvifSim.Guest.Net;
using XvifSim.Tests.Guest.Net;
using XvifSim.Host.Captures;
using XvifSim.Tests.Host.Scenarios;

namespace XvifSim.Tests.Host.Captures;

/// <summary>
/// The capture writer thread: nothing allocated per frame on the vCPU, a
/// full ring holds the vCPU back rather than losing frames, all.pcapng stays
/// in time order with several threads tapping, and a writer that cannot
/// write (a full disk: /dev/full) or stalls is never silent.
/// </summary>
public class CaptureWriterTests
{
    private string _dir = "";

    [SetUp]
    public void MakeDirectory() => _dir = Directory.CreateTempSubdirectory("xvifsim-writer-").FullName;

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_dir, recursive: true);

    private static NetworkInterface Interface(string name) =>
        new(name, new MacAddress(0x0016_3E00_0001), new NullDriver(), TestPackets.Pool(64, 64)) { IsUp = true, IsRunning = true };

    private static byte[] Frame(int length)
    {
        byte[] frame = new byte[length];
        new MacAddress(0x0016_3E00_0002).CopyTo(frame);
        new MacAddress(0x0016_3E00_0001).CopyTo(frame.AsSpan(6));
        frame[12] = 0x88;
        frame[13] = 0xB5; // local experimental EtherType
        return frame;
    }

    [Test]
    public void ATappedFrameAllocatesNothingOnTheVcpu()
    {
        ulong now = 1;
        using var session = new CaptureSession(_dir, () => now);
        NetworkInterface iface = Interface("xennet0");
        session.Attach("guest1", iface, "xennet0 of guest1");
        byte[] small = Frame(64);
        byte[] large = Frame(1514);
        void Send()
        {
            for (int i = 0; i < 2000; i++)
            {
                iface.Send(i % 2 == 0 ? small : large);
                now++;
            }
        }

        Send();
        long allocated = Allocation.Least(Send);
        Assert.That(allocated, Is.Zero, $"{allocated} bytes for 2000 frames");
    }

    [Test]
    public void AFullRingHoldsTheVcpuBackAndEveryFrameIsWritten()
    {
        // A ring of 4 records in front of a disk that takes 2 ms a write: most frames find it full.
        using var slow = new SlowStream(TimeSpan.FromMilliseconds(2));
        var all = new PcapngWriter(slow, "XvifSim test");
        ulong now = 0;
        uint id;
        long dropped;
        using (var writer = new CaptureWriter(all, _dir, dataBytes: 2 * CaptureWriter.MaxRecord, slots: 4))
        {
            id = writer.AddInterface("guest1/xennet0", "test", [], 65535);
            byte[] frame = Frame(1514);
            for (int i = 0; i < 200; i++)
            {
                Assert.That(writer.Frame(-1, id, () => ++now, frame, inbound: false), Is.True, $"frame {i}");
            }

            dropped = writer.Dropped;
            Assert.That(writer.Failure, Is.Null);
            Assert.That(writer.BackPressure, Is.GreaterThan(TimeSpan.Zero), "the time the vCPU was held back is counted");
        }

        Assert.Multiple(() =>
        {
            Assert.That(dropped, Is.Zero);
            Assert.That(slow.Packets, Is.EqualTo(200), "every frame's Enhanced Packet Block reached the file");
        });
    }

    [Test]
    public void AWriterThatStallsIsAFailureAndTheFramesAfterItAreCounted()
    {
        using var stuck = new SlowStream(Timeout.InfiniteTimeSpan);
        var all = new PcapngWriter(stuck, "XvifSim test");
        var log = new List<string>();
        var writer = new CaptureWriter(all, _dir, line => { lock (log) { log.Add(line); } }, dataBytes: 2 * CaptureWriter.MaxRecord, slots: 4)
        {
            WaitLimit = TimeSpan.FromMilliseconds(200),
        };
        try
        {
            uint id = writer.AddInterface("guest1/xennet0", "test", [], 65535);
            byte[] frame = Frame(100);
            int written = 0;
            for (int i = 0; i < 20; i++)
            {
                written += writer.Frame(-1, id, () => 1, frame, inbound: true) ? 1 : 0;
            }

            Assert.Multiple(() =>
            {
                Assert.That(writer.Failure, Is.TypeOf<CaptureWriteException>());
                Assert.That(writer.Failure?.Message, Does.Contain("freed no room for 0.2 s"));
                Assert.That(writer.Dropped, Is.EqualTo(20 - written).And.GreaterThan(0));
                Assert.That(log, Has.Count.EqualTo(1).And.Some.Contains("freed no room"));
            });
        }
        finally
        {
            stuck.Release();
            writer.Dispose();
        }
    }

    [Test]
    public void AFullDiskDuringTheRunIsTheSessionsFailureAndLogged()
    {
        // The interface's file is /dev/full: every write(2) fails with ENOSPC once the file's buffer fills.
        File.CreateSymbolicLink(Path.Combine(_dir, "guest1.xennet0.pcap"), "/dev/full");
        var log = new List<string>();
        var session = new CaptureSession(_dir, () => 1, log: line => { lock (log) { log.Add(line); } });
        NetworkInterface iface = Interface("xennet0");
        session.Attach("guest1", iface, "xennet0 of guest1");
        byte[] frame = Frame(1514);
        var wait = Stopwatch.StartNew();
        while (session.Failure is null && wait.Elapsed < TimeSpan.FromSeconds(10))
        {
            iface.Send(frame);
        }

        IOException? thrown = Assert.Throws<CaptureWriteException>(session.ThrowIfFailed);
        Assert.Multiple(() =>
        {
            Assert.That(thrown!.Message, Does.StartWith($"cannot write the captures in {_dir}: ").And.Contains("No space left on device"));
            Assert.That(log, Has.Count.EqualTo(1).And.Some.Contains("No space left on device"));
        });

        iface.Send(frame);
        Assert.Multiple(() =>
        {
            Assert.That(session.Dropped, Is.GreaterThan(0), "frames after the failure are counted, not silently lost");
            Assert.DoesNotThrow(session.Dispose, "the failure was thrown already");
        });
    }

    [Test]
    public void AFullDiskAtTheFinalFlushIsThrownByDispose()
    {
        File.CreateSymbolicLink(Path.Combine(_dir, "guest1.xennet0.pcap"), "/dev/full");
        var session = new CaptureSession(_dir, () => 1);
        NetworkInterface iface = Interface("xennet0");
        session.Attach("guest1", iface, "xennet0 of guest1");
        iface.Send(Frame(60));
        Assert.That(session.Failure, Is.Null, "a few frames sit in the file's buffer");
        CaptureWriteException? thrown = Assert.Throws<CaptureWriteException>(session.Dispose);
        Assert.That(thrown!.Message, Does.Contain("No space left on device"));
    }

    [Test]
    public void FramesFromSeveralThreadsLandInStrictTimeOrder()
    {
        var clock = Stopwatch.StartNew();
        string file = Path.Combine(_dir, "all.pcapng");
        using (var session = new CaptureSession(_dir, () => (ulong)clock.Elapsed.Ticks * 100))
        {
            NetworkInterface[] ifaces = [.. Enumerable.Range(0, 4).Select(i => Interface($"xennet{i}"))];
            foreach (NetworkInterface iface in ifaces)
            {
                session.Attach("guest1", iface, iface.Name);
            }

            Parallel.ForEach(ifaces, new ParallelOptions { MaxDegreeOfParallelism = 4 }, iface =>
            {
                byte[] frame = Frame(200);
                for (int i = 0; i < 5000; i++)
                {
                    iface.Send(frame);
                }
            });
        }

        string[] info = Tshark.Capinfos("-o", "-c", file);
        Assert.That(info, Has.Some.Matches(@"Strict time order:\s+True").And.Some.Matches(@"Number of packets:\s+20\s*k|Number of packets:\s+20000"), string.Join('\n', info));
    }

    private sealed class NullDriver : INetDriver
    {
        public bool Output(PacketBuffer packet, bool checksumBlank)
        {
            packet.Free();
            return true;
        }
    }

    /// <summary>
    /// A file that takes <c>delay</c> for each write holding an Enhanced
    /// Packet Block's start (forever: until released), counting those blocks
    /// as it follows the blocks through the writes, however they are split.
    /// </summary>
    private sealed class SlowStream(TimeSpan delay) : Stream
    {
        private readonly ManualResetEventSlim _released = new();
        private readonly byte[] _head = new byte[8];
        private int _headBytes;
        private long _rest;

        public int Packets { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public void Release() => _released.Set();

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            bool delayed = false;
            while (!buffer.IsEmpty)
            {
                if (_rest > 0)
                {
                    int skip = (int)Math.Min(_rest, buffer.Length);
                    _rest -= skip;
                    buffer = buffer[skip..];
                    continue;
                }

                // A block's type and total length, possibly split across writes.
                int take = Math.Min(8 - _headBytes, buffer.Length);
                buffer[..take].CopyTo(_head.AsSpan(_headBytes));
                _headBytes += take;
                buffer = buffer[take..];
                if (_headBytes == 8)
                {
                    _headBytes = 0;
                    _rest = BitConverter.ToUInt32(_head, 4) - 8;
                    if (BitConverter.ToUInt32(_head) == PcapngWriter.EnhancedPacketBlock)
                    {
                        if (!delayed)
                        {
                            _released.Wait(delay);
                            delayed = true;
                        }

                        Packets++;
                    }
                }
            }
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _released.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
