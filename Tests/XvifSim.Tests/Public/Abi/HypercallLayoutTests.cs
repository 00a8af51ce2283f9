using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using XvifSim.Public;
using XvifSim.Public.Events;
using XvifSim.Public.Grants;

namespace XvifSim.Tests.Public.Abi;

/// <summary>
/// Golden bytes of the hypercall argument structures as they sit in memory,
/// taken from the layouts of xen/include/public/grant_table.h and
/// event_channel.h on x86_64 (little-endian, natural alignment). Padding bytes
/// are zero because each structure starts zeroed.
/// </summary>
public class HypercallLayoutTests
{
    [Test]
    public void GnttabCopyIs40BytesWithTheRefAndGmfnUnionSharingItsFirst8()
    {
        var op = new GnttabCopy
        {
            Source = GnttabCopyPtr.Grant(new DomId(0x0102), new GrantRef(0x03040506), 0x0708),
            Dest = GnttabCopyPtr.Frame(new Gfn(0x1112131415161718), 0x191A),
            Len = 0x2122,
            Flags = GntCopyFlags.SourceGref,
            Status = GntSt.BadCopyArg,
        };

        Assert.That(Bytes(ref op), Is.EqualTo(new byte[]
        {
            0x06, 0x05, 0x04, 0x03, 0, 0, 0, 0, 0x02, 0x01, 0x08, 0x07, 0, 0, 0, 0,          // source: u.ref, domid, offset
            0x18, 0x17, 0x16, 0x15, 0x14, 0x13, 0x12, 0x11, 0xF0, 0x7F, 0x1A, 0x19, 0, 0, 0, 0, // dest: u.gmfn, DOMID_SELF, offset
            0x22, 0x21, 0x01, 0x00, 0xF6, 0xFF, 0, 0,                                          // len, flags, status -10
        }));
    }

    [Test]
    public void TheCopyUnionsMembersOverwriteEachOther()
    {
        var side = new GnttabCopyPtr { Gmfn = new Gfn(0xAAAAAAAABBBBBBBB) };
        side.Ref = new GrantRef(7);
        Assert.That(side.Gmfn, Is.EqualTo(new Gfn(0xAAAAAAAA00000007)));
    }

    [Test]
    public void GnttabSetupTableHasItsFrameListHandleAt16()
    {
        var op = new GnttabSetupTable { FrameList = [] };
        Assert.Multiple(() =>
        {
            Assert.That(Unsafe.SizeOf<GnttabSetupTable>(), Is.EqualTo(GnttabSetupTable.Size).And.EqualTo(24));
            Assert.That(Layout.Offset(ref op, ref op.Status), Is.EqualTo(8));
            Assert.That(Layout.Offset(ref op, ref op.FrameList), Is.EqualTo(16));
        });
    }

    [Test]
    public void GnttabMapGrantRefIs32Bytes()
    {
        var op = new GnttabMapGrantRef
        {
            HostAddr = 0x0102030405060708, Flags = GntMapFlags.HostMap | GntMapFlags.Readonly, Ref = new GrantRef(0x11121314),
            Dom = new DomId(0x2122), Status = GntSt.BadGntref, Handle = new GrantHandle(0x31323334), DevBusAddr = 0x4142434445464748,
        };
        Assert.That(Bytes(ref op), Is.EqualTo(new byte[]
        {
            0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01, 0x06, 0, 0, 0, 0x14, 0x13, 0x12, 0x11,
            0x22, 0x21, 0xFD, 0xFF, 0x34, 0x33, 0x32, 0x31, 0x48, 0x47, 0x46, 0x45, 0x44, 0x43, 0x42, 0x41,
        }));
    }

    [Test]
    public void GnttabUnmapGrantRefIs24Bytes()
    {
        var op = new GnttabUnmapGrantRef { HostAddr = 0x0102030405060708, DevBusAddr = 0x1112131415161718, Handle = new GrantHandle(0x21222324), Status = GntSt.BadHandle };
        Assert.That(Bytes(ref op), Is.EqualTo(new byte[]
        {
            0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01, 0x18, 0x17, 0x16, 0x15, 0x14, 0x13, 0x12, 0x11,
            0x24, 0x23, 0x22, 0x21, 0xFC, 0xFF, 0, 0,
        }));
    }

    [Test]
    public void GnttabQuerySizeIs16Bytes()
    {
        var op = new GnttabQuerySize { Dom = new DomId(0x0102), NrFrames = 0x11121314, MaxNrFrames = 0x21222324, Status = GntSt.BadDomain };
        Assert.That(Bytes(ref op), Is.EqualTo(new byte[] { 0x02, 0x01, 0, 0, 0x14, 0x13, 0x12, 0x11, 0x24, 0x23, 0x22, 0x21, 0xFE, 0xFF, 0, 0 }));
    }

    [Test]
    public void EvtchnStatusIs24BytesWithItsUnionAt16()
    {
        var interdomain = new EvtchnStatus
        {
            Dom = new DomId(0x0102), Port = new EvtchnPort(0x11121314), Status = EvtchnStatusKind.Interdomain, Vcpu = 0x21222324,
            InterdomainDom = new DomId(0x3132), InterdomainPort = new EvtchnPort(0x41424344),
        };
        var virq = new EvtchnStatus { Status = EvtchnStatusKind.Virq, Virq = Virq.DomExc };

        Assert.Multiple(() =>
        {
            Assert.That(Bytes(ref interdomain), Is.EqualTo(new byte[]
            {
                0x02, 0x01, 0, 0, 0x14, 0x13, 0x12, 0x11, 0x02, 0, 0, 0, 0x24, 0x23, 0x22, 0x21,
                0x32, 0x31, 0, 0, 0x44, 0x43, 0x42, 0x41,
            }));
            Assert.That(Bytes(ref virq)[16..20], Is.EqualTo(new byte[] { 3, 0, 0, 0 }));
            Assert.That(interdomain.UnboundDom, Is.EqualTo(new DomId(0x3132)), "u.unbound.dom and u.interdomain.dom are one field");
        });
    }

    [Test]
    public void EvtchnAllocBindAndVirqArgumentsAreXensLayouts()
    {
        var alloc = new EvtchnAllocUnbound { Dom = new DomId(0x0102), RemoteDom = new DomId(0x0304), Port = new EvtchnPort(0x05060708) };
        var bind = new EvtchnBindInterdomain { RemoteDom = new DomId(0x0102), RemotePort = new EvtchnPort(0x11121314), LocalPort = new EvtchnPort(0x21222324) };
        var virq = new EvtchnBindVirq { Virq = Virq.Xenpmu, Vcpu = 0x11121314, Port = new EvtchnPort(0x21222324) };

        Assert.Multiple(() =>
        {
            Assert.That(Bytes(ref alloc), Is.EqualTo(new byte[] { 0x02, 0x01, 0x04, 0x03, 0x08, 0x07, 0x06, 0x05 }));
            Assert.That(Bytes(ref bind), Is.EqualTo(new byte[] { 0x02, 0x01, 0, 0, 0x14, 0x13, 0x12, 0x11, 0x24, 0x23, 0x22, 0x21 }));
            Assert.That(Bytes(ref virq), Is.EqualTo(new byte[] { 13, 0, 0, 0, 0x14, 0x13, 0x12, 0x11, 0x24, 0x23, 0x22, 0x21 }));
        });
    }

    private static byte[] Bytes<T>(ref T value)
        where T : unmanaged =>
        MemoryMarshal.AsBytes(MemoryMarshal.CreateSpan(ref value, 1)).ToArray();
}
