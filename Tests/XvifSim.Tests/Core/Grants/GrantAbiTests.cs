using XvifSim.Public;
using XvifSim.Public.Grants;

namespace XvifSim.Tests.Core.Grants;

/// <summary>Golden bytes of grant_entry_v1 and the numbers of grant_table.h (docs/reference/xen-abi.md, "Grant tables").</summary>
public sealed class GrantAbiTests
{
    [Test]
    public void GrantEntryV1_Write_PutsFlagsAt0DomidAt2FrameAt4LittleEndian()
    {
        byte[] frame = new byte[XenPage.Size];
        GrantEntryV1.Write(frame, 8, new DomId(0x0102), 0x0A0B0C0D, GtfFlags.PermitAccess | GtfFlags.Readonly);

        Assert.That(frame[8..16], Is.EqualTo(new byte[] { 0x05, 0x00, 0x02, 0x01, 0x0D, 0x0C, 0x0B, 0x0A }));
        Assert.That(frame[..8], Is.All.Zero);
        Assert.That(frame[16..], Is.All.Zero);
    }

    [Test]
    public void GrantEntryV1_Geometry_Is8BytesAnd512PerFrame()
    {
        Assert.That(GrantEntryV1.Size, Is.EqualTo(8));
        Assert.That(GrantEntryV1.EntriesPerFrame, Is.EqualTo(512));
        Assert.That(GrantEntryV1.FrameIndex(new GrantRef(513)), Is.EqualTo(1));
        Assert.That(GrantEntryV1.OffsetInFrame(new GrantRef(513)), Is.EqualTo(8));
    }

    [Test]
    public void GrantEntryV1_ReadFlagsAndDomId_ReadsBothHalvesOfTheCombo()
    {
        byte[] frame = new byte[XenPage.Size];
        GrantEntryV1.Write(frame, 0, new DomId(7), 42, GtfFlags.PermitAccess);

        GtfFlags flags = GrantEntryV1.ReadFlagsAndDomId(frame, 0, out DomId domid);

        Assert.That(flags, Is.EqualTo(GtfFlags.PermitAccess));
        Assert.That(domid, Is.EqualTo(new DomId(7)));
    }

    [Test]
    public void GrantEntryV1_CompareExchangeFlagsAndDomId_FailsWhenDomidChanged()
    {
        byte[] frame = new byte[XenPage.Size];
        GrantEntryV1.Write(frame, 0, new DomId(7), 42, GtfFlags.PermitAccess);

        bool swapped = GrantEntryV1.CompareExchangeFlagsAndDomId(frame, 0, GtfFlags.PermitAccess | GtfFlags.Reading, GtfFlags.PermitAccess, new DomId(8));

        Assert.That(swapped, Is.False);
        Assert.That(GrantEntryV1.ReadFlags(frame, 0), Is.EqualTo(GtfFlags.PermitAccess));
    }

    [Test]
    public void GrantEntryV1_ClearFlags_ClearsOnlyTheBitsAndLeavesDomid()
    {
        byte[] frame = new byte[XenPage.Size];
        GrantEntryV1.Write(frame, 0, new DomId(0x1234), 42, GtfFlags.PermitAccess | GtfFlags.Reading | GtfFlags.Writing);

        GrantEntryV1.ClearFlags(frame, 0, GtfFlags.Writing);

        Assert.That(frame[..4], Is.EqualTo(new byte[] { 0x09, 0x00, 0x34, 0x12 }));
    }

    [TestCase(GntSt.Okay, 0)]
    [TestCase(GntSt.GeneralError, -1)]
    [TestCase(GntSt.BadDomain, -2)]
    [TestCase(GntSt.BadGntref, -3)]
    [TestCase(GntSt.BadHandle, -4)]
    [TestCase(GntSt.BadVirtAddr, -5)]
    [TestCase(GntSt.BadDevAddr, -6)]
    [TestCase(GntSt.NoDeviceSpace, -7)]
    [TestCase(GntSt.PermissionDenied, -8)]
    [TestCase(GntSt.BadPage, -9)]
    [TestCase(GntSt.BadCopyArg, -10)]
    [TestCase(GntSt.AddressTooBig, -11)]
    [TestCase(GntSt.Eagain, -12)]
    [TestCase(GntSt.NoSpace, -13)]
    public void GntSt_HasXensValue(GntSt status, int value) => Assert.That((short)status, Is.EqualTo(value));

    [TestCase(GtfFlags.Invalid, 0)]
    [TestCase(GtfFlags.PermitAccess, 1)]
    [TestCase(GtfFlags.AcceptTransfer, 2)]
    [TestCase(GtfFlags.Transitive, 3)]
    [TestCase(GtfFlags.Readonly, 1 << 2)]
    [TestCase(GtfFlags.Reading, 1 << 3)]
    [TestCase(GtfFlags.Writing, 1 << 4)]
    [TestCase(GtfFlags.Pwt, 1 << 5)]
    [TestCase(GtfFlags.Pcd, 1 << 6)]
    [TestCase(GtfFlags.Pat, 1 << 7)]
    [TestCase(GtfFlags.SubPage, 1 << 8)]
    public void GtfFlags_HasXensValue(GtfFlags flag, int value) => Assert.That((ushort)flag, Is.EqualTo(value));

    [TestCase(GntMapFlags.DeviceMap, 1)]
    [TestCase(GntMapFlags.HostMap, 2)]
    [TestCase(GntMapFlags.Readonly, 4)]
    [TestCase(GntMapFlags.ApplicationMap, 8)]
    [TestCase(GntMapFlags.ContainsPte, 16)]
    public void GntMapFlags_HasXensValue(GntMapFlags flag, int value) => Assert.That((uint)flag, Is.EqualTo(value));

    [TestCase(GntCopyFlags.SourceGref, 1)]
    [TestCase(GntCopyFlags.DestGref, 2)]
    public void GntCopyFlags_HasXensValue(GntCopyFlags flag, int value) => Assert.That((ushort)flag, Is.EqualTo(value));
}
