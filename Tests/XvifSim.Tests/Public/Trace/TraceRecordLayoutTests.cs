using XvifSim.Public;
using XvifSim.Public.Grants;
using XvifSim.Public.Trace;
using XvifSim.Public.XenStore;
using XvifSim.Public.Xenbus;

namespace XvifSim.Tests.Public.Trace;

/// <summary>Golden bytes of every trace record layout, as docs/trace-format.md describes them.</summary>
public class TraceRecordLayoutTests
{
    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes).ToLowerInvariant();

    [Test]
    public void AnXenStoreMessageCarriesTheSockmsgAndThePayload()
    {
        Span<byte> record = stackalloc byte[TraceRecord.MaxSize];
        int length = TraceRecord.FormatXsMessage(record, new DomId(1), TraceXsDirection.Reply, TraceXsTransport.Socket, 3, XsdSockmsgType.Error, 7, 2, "ENOENT\0"u8);
        Assert.That(Hex(record[..length]),
            Is.EqualTo("0101" + "0100" + "1f00" + "0000" + "01" + "01" + "0000" + "03000000" + "10000000" + "07000000" + "02000000" + "07000000" + "454e4f454e5400"));
    }

    [Test]
    public void AnXenStorePayloadOverTheCapIsCutAndLenKeepsTheWhole()
    {
        Span<byte> record = stackalloc byte[TraceRecord.MaxSize];
        byte[] payload = new byte[2000];
        int length = TraceRecord.FormatXsMessage(record, new DomId(0), TraceXsDirection.Request, TraceXsTransport.Ring, 0, XsdSockmsgType.Write, 1, 0, payload);
        string len = Hex(record[28..32]);
        Assert.Multiple(() =>
        {
            Assert.That(length, Is.EqualTo(TraceRecord.XsPayloadOffset + TraceRecord.XsPayloadCap));
            Assert.That(len, Is.EqualTo("d0070000"), "len is the whole payload's, 2000");
        });
    }

    [Test]
    public void AXenbusStateChangeCarriesBothStatesAndThePath()
    {
        Span<byte> record = stackalloc byte[TraceRecord.XenbusPathOffset + TraceRecord.XenbusPathCap];
        int length = TraceRecord.FormatXenbusState(record, new DomId(1), TraceRingEnd.Frontend, new DomId(0), XenbusState.Initialised, XenbusState.Connected, Errno.EACCES, "/a");
        Assert.That(Hex(record[..length]),
            Is.EqualTo("0102" + "0100" + "1400" + "0000" + "00" + "00" + "0000" + "03000000" + "04000000" + "0d000000" + "0200" + "2f61"));
    }

    [Test]
    public void ARingEntryCarriesItsIndexSlotAndNetifBytes()
    {
        Span<byte> record = stackalloc byte[TraceRecord.RingEntryOffset + TraceRecord.RingEntryCap];
        int length = TraceRecord.FormatRingEntry(record, new DomId(0), TraceRingKind.NetifRx, TraceRingEnd.Backend, TraceRingAction.RequestConsumed, new RingIndex(0x101), 1, [0xAA, 0xBB, 0xCC, 0xDD]);
        Assert.That(Hex(record[..length]),
            Is.EqualTo("0103" + "0000" + "1000" + "0000" + "02" + "01" + "01" + "04" + "01010000" + "01000000" + "aabbccdd"));
    }

    [Test]
    public void ARingIndexCarriesOldNewAndThePeersEvent()
    {
        Span<byte> record = stackalloc byte[TraceRecord.RingIndexSize];
        int length = TraceRecord.FormatRingIndex(record, new DomId(1), TraceRingKind.NetifTx, TraceRingEnd.Frontend, TraceRingIndexKind.ReqProd, notify: true, new RingIndex(5), new RingIndex(7), new RingIndex(6));
        Assert.That(Hex(record[..length]),
            Is.EqualTo("0104" + "0100" + "1000" + "0000" + "01" + "00" + "00" + "01" + "05000000" + "07000000" + "06000000"));
    }

    [Test]
    public void AGrantCopyCarriesBothSidesAndTheStatus()
    {
        var op = new GnttabCopy
        {
            Source = GnttabCopyPtr.Grant(new DomId(1), new GrantRef(33), 10),
            Dest = GnttabCopyPtr.Frame(new Gfn(0x1234), 0),
            Len = 64,
            Flags = GntCopyFlags.SourceGref,
            Status = GntSt.BadGntref,
        };
        Span<byte> record = stackalloc byte[TraceRecord.GnttabCopySize];
        int length = TraceRecord.FormatGnttabCopy(record, new DomId(0), in op);
        Assert.That(Hex(record[..length]),
            Is.EqualTo("0105" + "0000" + "1800" + "0000" + "fdff" + "0100" + "4000" + "0100" + "21000000" + "0a00" + "f07f" + "34120000" + "0000" + "0000"));
    }

    [Test]
    public void AGrantMapAndUnmapCarryRefAndHandle()
    {
        var map = new GnttabMapGrantRef { Flags = GntMapFlags.HostMap, Ref = new GrantRef(8), Dom = new DomId(2), Status = GntSt.Okay, Handle = new GrantHandle(3) };
        Span<byte> record = stackalloc byte[TraceRecord.GnttabMapSize];
        int length = TraceRecord.FormatGnttabMap(record, new DomId(0), in map);
        Assert.That(Hex(record[..length]), Is.EqualTo("0106" + "0000" + "1000" + "0000" + "0000" + "0200" + "0200" + "0000" + "08000000" + "03000000"));
        length = TraceRecord.FormatGnttabUnmap(record, new DomId(0), new GrantHandle(3), GntSt.BadHandle);
        Assert.That(Hex(record[..length]), Is.EqualTo("0107" + "0000" + "0800" + "0000" + "fcff" + "0000" + "03000000"));
    }

    [Test]
    public void AnEventRecordCarriesBothEnds()
    {
        Span<byte> record = stackalloc byte[TraceRecord.EvtchnSize];
        int length = TraceRecord.FormatEvtchn(record, new DomId(1), TraceEvtchnOp.Send, new EvtchnPort(5), new DomId(0), new EvtchnPort(9), Errno.EINVAL);
        Assert.That(Hex(record[..length]), Is.EqualTo("0108" + "0100" + "1000" + "0000" + "01" + "00" + "0000" + "05000000" + "09000000" + "16000000"));
    }
}
