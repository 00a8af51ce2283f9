using XvifSim.Guest.Net;
using XvifSim.Public;
using XvifSim.Public.Netif;

namespace XvifSim.Tests.Backend;

/// <summary>Guest to dom0: delivery, NetBSD's per-slot checks, chains, copy failures, and Linux's fatal disable.</summary>
public class XvifTxTests
{
    private XvifHarness _h = null!;
    private TestFrontend _fe = null!;
    private NetworkInterface _vif = null!;
    private List<byte[]> _received = null!;

    [TearDown]
    public void Dispose() => _h?.Dispose();

    private void Start(bool threaded = false, bool up = true)
    {
        _h = new XvifHarness(threaded);
        _fe = ConnectGuest(_h, "guest1", out _vif, out _received, up);
    }

    internal static TestFrontend ConnectGuest(XvifHarness h, string name, out NetworkInterface vif, out List<byte[]> received, bool up = true)
    {
        var guest = h.AddGuest(name);
        h.WriteVif(guest.Domain.Id, 0);
        var fe = new TestFrontend(h, guest);
        Assert.That(h.WaitForBackendState(guest.Domain.Id, 0, 2), string.Join('\n', h.Dom0Log));
        fe.Connect();
        var frames = new List<byte[]>();
        received = frames;
        vif = h.On(h.Dom0, () =>
        {
            NetworkInterface iface = h.Dom0.Interfaces.Find(fe.VifName)!;
            iface.IsUp = up;
            iface.Receiver = (_, frame) => frames.Add(frame.ToArray());
            return iface;
        });
        return fe;
    }

    [TestCase(false)]
    [TestCase(true)]
    public void AGoodFrameGoesUpAndIsAnsweredOkay(bool threaded)
    {
        Start(threaded);
        byte[] frame = TestFrontend.Frame(60);
        _fe.SendFrame(frame, id: 7);
        List<NetifTxResponse> rsp = _fe.TakeTx(1);
        Assert.That(_h.RunUntil(() => _received.Count == 1));
        Assert.Multiple(() =>
        {
            Assert.That(rsp[0].Id, Is.EqualTo(7));
            Assert.That(rsp[0].Status, Is.EqualTo(NetifRsp.Okay));
            Assert.That(_received[0], Is.EqualTo(frame));
            Assert.That(_vif.Counters.InPackets, Is.EqualTo(1));
            Assert.That(_vif.Counters.InBytes, Is.EqualTo(60));
        });
    }

    [TestCase(0, 0, "xvif1i0: packet with size 0 is too short")]
    [TestCase(13, 0, "xvif1i0: packet with size 13 is too short")]
    [TestCase(9019, 0, "xvif1i0: packet with size 9019 is crossing page boundary")]
    [TestCase(200, 4000, "xvif1i0: packet with size 200 is crossing page boundary")]
    public void ABadSingleSlotIsAnsweredErrorWithNetBsdsMessage(int size, int offset, string message)
    {
        Start();
        _fe.PostTx(new NetifTxRequest { Gref = _fe.GrantData(TestFrontend.Frame(16), 0), Offset = (ushort)offset, Id = 3, PacketSize = (ushort)size });
        List<NetifTxResponse> rsp = _fe.TakeTx(1);
        Assert.Multiple(() =>
        {
            Assert.That(rsp[0].Status, Is.EqualTo(NetifRsp.Error));
            Assert.That(rsp[0].Id, Is.EqualTo(3));
            Assert.That(_h.Dom0Log, Does.Contain(message));
            Assert.That(_vif.Counters.InErrors, Is.EqualTo(1));
            Assert.That(_received, Is.Empty);
        });
        AssertStillWorks();
    }

    [Test]
    public void AChainBiggerThanJumboIsAnsweredErrorThenDropped()
    {
        Start();
        _fe.PostTx(_fe.Chain(TestFrontend.Frame(9019), 4096, 4096, 827));
        List<NetifTxResponse> rsp = _fe.TakeTx(3);
        Assert.Multiple(() =>
        {
            Assert.That(rsp.Select(r => r.Status), Is.EqualTo(new[] { NetifRsp.Error, NetifRsp.Dropped, NetifRsp.Dropped }));
            Assert.That(_h.Dom0Log, Does.Contain("xvif1i0: packet with size 9019 is bigger then jumbo"));
            Assert.That(_vif.Counters.InErrors, Is.EqualTo(1));
            Assert.That(_vif.Counters.InDrops, Is.EqualTo(2));
        });
    }

    [Test]
    public void AFrameWhileNotUpIsDropped()
    {
        Start(up: false);
        _fe.SendFrame(TestFrontend.Frame(60));
        Assert.That(_fe.TakeTx(1)[0].Status, Is.EqualTo(NetifRsp.Dropped));
        Assert.That(_vif.Counters.InDrops, Is.EqualTo(1));
        Assert.That(_received, Is.Empty);
    }

    [Test]
    public void An18SlotChainIsAcceptedAndAJumboFrameInThreeSlotsToo()
    {
        Start();
        byte[] frame = TestFrontend.Frame(18 * 100);
        _fe.PostTx(_fe.Chain(frame, Enumerable.Repeat(100, 18).ToArray()));
        Assert.That(_fe.TakeTx(18).Select(r => r.Status), Is.All.EqualTo(NetifRsp.Okay));
        byte[] jumbo = TestFrontend.Frame(9018);
        _fe.PostTx(_fe.Chain(jumbo, 4096, 4096, 826));
        Assert.That(_fe.TakeTx(3).Select(r => r.Status), Is.All.EqualTo(NetifRsp.Okay));
        Assert.That(_h.RunUntil(() => _received.Count == 2));
        Assert.That(_received[0], Is.EqualTo(frame));
        Assert.That(_received[1], Is.EqualTo(jumbo));
    }

    [Test]
    public void A19SlotChainIsDroppedWithoutDisabling()
    {
        Start();
        _fe.PostTx(_fe.Chain(TestFrontend.Frame(19 * 100), Enumerable.Repeat(100, 19).ToArray()));
        Assert.That(_fe.TakeTx(19).Select(r => r.Status), Is.All.EqualTo(NetifRsp.Dropped));
        Assert.That(_h.Dom0Log, Does.Contain("xvif1i0: Too many slots (19) exceeding limit (18), dropping packet"));
        Assert.That(_vif.Counters.InErrors, Is.EqualTo(1));
        AssertStillWorks();
    }

    [Test]
    public void ABadGrantInSlot3FailsTheWholePacket()
    {
        Start();
        byte[] frame = TestFrontend.Frame(400);
        NetifTxRequest[] chain = _fe.Chain(frame, 100, 100, 100, 100);
        chain[2].Gref = new XvifSim.Public.GrantRef(4000);
        _fe.PostTx(chain);
        List<NetifTxResponse> rsp = _fe.TakeTx(4);
        Assert.Multiple(() =>
        {
            Assert.That(rsp.Select(r => r.Status), Is.All.EqualTo(NetifRsp.Error));
            Assert.That(_h.Dom0Log, Has.Some.StartsWith("xvif1i0 GNTTABOP_copy[2] Tx "));
            Assert.That(_vif.Counters.InErrors, Is.EqualTo(4));
            Assert.That(_received, Is.Empty);
        });
        AssertStillWorks();
    }

    [Test]
    public void AChainWhoseSizesDoNotAddUpIsDropped()
    {
        Start();
        NetifTxRequest[] chain = _fe.Chain(TestFrontend.Frame(300), 100, 200);
        chain[0].PacketSize = 200;
        _fe.PostTx(chain);
        Assert.That(_fe.TakeTx(2).Select(r => r.Status), Is.All.EqualTo(NetifRsp.Dropped));
        Assert.That(_h.Dom0Log, Does.Contain("xvif1i0: Invalid tx request, slot size 200 > remaining size 200"));
        AssertStillWorks();
    }

    [Test]
    public void AValidExtraInfoSegmentIsAnsweredNull()
    {
        Start();
        byte[] frame = TestFrontend.Frame(60);
        var first = new NetifTxRequest { Gref = _fe.GrantData(frame, 0), Flags = NetTxFlags.ExtraInfo, Id = 1, PacketSize = 60 };
        var extra = new NetifTxRequest();
        Span<byte> raw = stackalloc byte[NetifTxRequest.Size];
        new NetifExtraInfo { Type = NetifExtraType.Gso, GsoSize = 1448, GsoType = NetifGsoType.TcpV4 }.Write(raw);
        extra = NetifTxRequest.Read(raw);
        _fe.PostTx(first, extra);
        List<NetifTxResponse> rsp = _fe.TakeTx(2);
        Assert.That(rsp.Select(r => r.Status), Is.EqualTo(new[] { NetifRsp.Okay, NetifRsp.Null }));
        Assert.That(_h.RunUntil(() => _received.Count == 1));
    }

    [TestCase(NetifHashType.IPv4, PacketHashKind.L3)]
    [TestCase(NetifHashType.IPv6, PacketHashKind.L3)]
    [TestCase(NetifHashType.IPv4Tcp, PacketHashKind.L4)]
    [TestCase(NetifHashType.IPv6Tcp, PacketHashKind.L4)]
    [TestCase((NetifHashType)9, PacketHashKind.None)]
    public void AHashExtraIsAcceptedAndItsHashRecordedOnThePacket(NetifHashType type, PacketHashKind kind)
    {
        Start();
        var hashes = new List<PacketHash>();
        _h.On(_h.Dom0, () =>
        {
            _vif.Receiver = (iface, frame) =>
            {
                _received.Add(frame.ToArray());
                hashes.Add(iface.ReceivedHash);
            };
        });
        byte[] frame = TestFrontend.Frame(60);
        Span<byte> raw = stackalloc byte[NetifTxRequest.Size];
        new NetifExtraInfo { Type = NetifExtraType.Hash, HashType = type, HashAlgorithm = NetifHashAlgorithm.Toeplitz, HashValue = 0xCAFEF00D }.Write(raw);
        _fe.PostTx(new NetifTxRequest { Gref = _fe.GrantData(frame, 0), Flags = NetTxFlags.ExtraInfo, Id = 3, PacketSize = 60 }, NetifTxRequest.Read(raw));

        List<NetifTxResponse> rsp = _fe.TakeTx(2);
        Assert.That(rsp.Select(r => r.Status), Is.EqualTo(new[] { NetifRsp.Okay, NetifRsp.Null }));
        Assert.That(_h.RunUntil(() => _received.Count == 1), string.Join('\n', _h.Dom0Log));
        Assert.Multiple(() =>
        {
            Assert.That(_received[0], Is.EqualTo(frame));
            Assert.That(hashes[0], Is.EqualTo(kind == PacketHashKind.None ? default : new PacketHash(0xCAFEF00D, kind)));
            Assert.That(_h.Dom0Log, Has.None.Contains("Invalid extra type"));
        });
        AssertStillWorks();
    }

    [TestCase(0, "xvif1i0: Invalid extra type: 0")]
    [TestCase(5, "xvif1i0: Invalid extra type: 5")]
    public void ABadExtraTypeIsFatal(int type, string reason)
    {
        Start();
        Span<byte> raw = stackalloc byte[NetifTxRequest.Size];
        new NetifExtraInfo { Type = (NetifExtraType)type }.Write(raw);
        NetifTxRequest extra = NetifTxRequest.Read(raw);
        _fe.PostTx(new NetifTxRequest { Gref = _fe.GrantData(TestFrontend.Frame(60), 0), Flags = NetTxFlags.ExtraInfo, PacketSize = 60 }, extra);
        AssertDisabled(reason);
    }

    [Test]
    public void AMissingExtraIsFatal()
    {
        Start();
        _fe.PostTx(new NetifTxRequest { Gref = _fe.GrantData(TestFrontend.Frame(60), 0), Flags = NetTxFlags.ExtraInfo, PacketSize = 60 });
        AssertDisabled("xvif1i0: Missing extra info");
    }

    [Test]
    public void A20SlotChainIsFatal()
    {
        Start();
        _fe.PostTx(_fe.Chain(TestFrontend.Frame(20 * 100), Enumerable.Repeat(100, 20).ToArray()));
        AssertDisabled("xvif1i0: Malicious frontend using 20 slots, threshold 20");
    }

    [Test]
    public void AChainRunningPastThePostedRequestsIsFatal()
    {
        Start();
        NetifTxRequest[] chain = _fe.Chain(TestFrontend.Frame(300), 100, 100, 100);
        _fe.PostTx(chain[0], chain[1]);
        AssertDisabled("xvif1i0: Asked for 3 slots but exceeds this limit");
    }

    [TestCase(false)]
    [TestCase(true)]
    public void AnImpossibleReqProdDisablesOnlyThatVif(bool threaded)
    {
        Start(threaded);
        TestFrontend other = ConnectGuest(_h, "guest2", out NetworkInterface otherVif, out List<byte[]> otherReceived);

        _fe.SetTxReqProd(1000);
        Assert.That(_h.WaitForLog("xvif1i0: Impossible number of requests. req_prod 1000, req_cons 0, size 256"), string.Join('\n', _h.Dom0Log));
        AssertDisabled(null);

        other.SendFrame(TestFrontend.Frame(100));
        Assert.That(other.TakeTx(1)[0].Status, Is.EqualTo(NetifRsp.Okay));
        Assert.That(_h.RunUntil(() => otherReceived.Count == 1));
        other.PostRx(1);
        Assert.That(_h.On(_h.Dom0, () => otherVif.Send(TestFrontend.Frame(80))), "the other vif still sends to its guest");
        Assert.That(_h.RunUntil(() => other.RxPending == 1));
        Assert.That(other.TakeRx()[0].Response.Status, Is.EqualTo(80));
    }

    private void AssertDisabled(string? reason)
    {
        if (reason is not null)
        {
            Assert.That(_h.WaitForLog(reason), string.Join('\n', _h.Dom0Log));
        }

        Assert.That(_h.WaitForLog("xvif1i0: fatal error; disabling device"));
        Assert.That(_h.On(_h.Dom0, () => _vif.IsRunning), Is.False, "carrier off");
        Assert.That(_h.Read($"{XvifHarness.BackendDir(_fe.DomId, 0)}/state"), Is.EqualTo("4"), "XenStore state unchanged");

        // The rings are no longer serviced.
        uint before = _fe.TxPending;
        _fe.SendFrame(TestFrontend.Frame(60), id: 99);
        _h.RunFor(TimeSpan.FromMilliseconds(50));
        Assert.That(_fe.TxPending, Is.EqualTo(before));
        Assert.That(_received, Is.Empty);
    }

    /// <summary>
    /// A full TX ring does not hold dom0's vCPU in one event: after
    /// <see cref="XvifSim.Backend.XvifInstance.TxBudget"/> packets the handler
    /// yields, so work queued behind the event (a xenbus watch, the hotplug
    /// script) runs before the rest of the ring, which is then served whole.
    /// Before the budget, a frontend refilling its ring as fast as dom0
    /// drained it kept dom0 in one upcall for seconds (the threaded soak).
    /// </summary>
    [Test]
    public void OneEventTakesABudgetOfPacketsThenLetsQueuedWorkRun()
    {
        Start();
        const int Packets = 200;
        byte[] frame = TestFrontend.Frame(60);
        GrantRef gref = _fe.GrantData(frame, 0);
        _fe.PostTx([.. Enumerable.Range(0, Packets).Select(i => new NetifTxRequest { Gref = gref, Id = (ushort)i, PacketSize = (ushort)frame.Length })]);
        int? seenByQueuedWork = null;
        _h.Dom0.Run(() => seenByQueuedWork = _received.Count);
        Assert.That(_h.RunUntil(() => seenByQueuedWork is not null && _received.Count == Packets), $"{_received.Count} of {Packets} went up");
        Assert.Multiple(() =>
        {
            Assert.That(seenByQueuedWork, Is.EqualTo(XvifSim.Backend.XvifInstance.TxBudget), "work queued after the event ran after one budget");
            Assert.That(_fe.TakeTx(Packets).Select(r => r.Status), Is.All.EqualTo(NetifRsp.Okay));
        });
    }

    private void AssertStillWorks()
    {
        int before = _received.Count;
        _fe.SendFrame(TestFrontend.Frame(64), id: 42);
        Assert.That(_h.RunUntil(() => _received.Count == before + 1), "the vif still works");
        Assert.That(_fe.TakeTx(1).Last().Status, Is.EqualTo(NetifRsp.Okay));
    }

    [Test]
    public void WithNoDom0BufferAPacketIsAnsweredDroppedAndCounted()
    {
        Start();
        List<Gfn> held = _h.On(_h.Dom0, () =>
        {
            var pages = new List<Gfn>();
            while (_h.Dom0.Packets.TryAllocatePage(out Gfn page))
            {
                pages.Add(page);
            }

            return pages;
        });
        _fe.SendFrame(TestFrontend.Frame(60), id: 3);
        Assert.Multiple(() =>
        {
            Assert.That(_fe.TakeTx(1)[0].Status, Is.EqualTo(NetifRsp.Dropped), "NetBSD's answer when its mbuf allocation fails");
            Assert.That(_vif.Counters.InDrops, Is.EqualTo(1));
            Assert.That(_h.On(_h.Dom0, () => _h.Driver.Instances.Single().TxNoBuffers), Is.EqualTo(1));
            Assert.That(_h.On(_h.Dom0, () => _h.Dom0.Packets.PoolExhausted), Is.GreaterThan(0));
            Assert.That(_h.Dom0Log, Has.Some.EndsWith("mbuf alloc failed"));
            Assert.That(_received, Is.Empty);
        });

        _h.On(_h.Dom0, () => held.ForEach(_h.Dom0.Packets.FreePage));
        byte[] next = TestFrontend.Frame(60, seed: 2);
        _fe.SendFrame(next, id: 4);
        Assert.That(_fe.TakeTx(1)[0].Status, Is.EqualTo(NetifRsp.Okay), "buffers again: the next packet goes up");
        Assert.That(_h.RunUntil(() => _received.Count == 1));
        Assert.That(_received[0], Is.EqualTo(next));
    }

    [Test]
    public void AGuestChainLandsInOneDom0BufferAcrossItsClusters()
    {
        Start();
        byte[] frame = TestFrontend.Frame(5000, seed: 6);
        NetifTxRequest[] chain = _fe.Chain(frame, 3000, 2000);
        _fe.PostTx(chain);
        Assert.That(_fe.TakeTx(2).Select(r => r.Status), Is.All.EqualTo(NetifRsp.Okay));
        Assert.That(_h.RunUntil(() => _received.Count == 1));
        Assert.Multiple(() =>
        {
            Assert.That(_received[0], Is.EqualTo(frame));
            Assert.That(_h.On(_h.Dom0, () => _h.Dom0.Packets.BuffersInUse), Is.Zero, "the receiver borrowed it; the interface freed it");
        });
    }

    [Test]
    public void AnEmptyLastSlotOfAChainCopiesNothingAndTheFrameGoesUp()
    {
        // Found by the fuzzer: the empty slot's bytes start at the frame's end, past the dom0 buffer's last segment.
        Start();
        byte[] frame = TestFrontend.Frame(100, seed: 8);
        _fe.PostTx(_fe.Chain(frame, 100, 0));
        Assert.That(_fe.TakeTx(2).Select(r => r.Status), Is.All.EqualTo(NetifRsp.Okay));
        Assert.That(_h.RunUntil(() => _received.Count == 1));
        Assert.That(_received[0], Is.EqualTo(frame));
    }
}
