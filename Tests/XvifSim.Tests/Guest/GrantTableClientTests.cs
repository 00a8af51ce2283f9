using XvifSim.Guest.Grants;
using XvifSim.Public;
using XvifSim.Public.Grants;

namespace XvifSim.Tests.Guest;

/// <summary>The granting guest's side of grant_table.h: entry layout, reserved refs, growth, and end of access.</summary>
public class GrantTableClientTests
{
    [Test]
    public void GrantWritesTheV1EntryBytesInTheSharedFrame()
    {
        var guest = new FakeGuest();
        var client = new GrantTableClient(guest.Hypercalls.Object);

        Assert.That(client.TryGrantForeignAccess(new DomId(0x0102), new Gfn(0x0A0B0C0D), readOnly: true, out GrantRef gref), Is.True);

        byte[] frame = guest.PageAt(guest.Layout.GrantFramesStart);
        int at = GrantEntryV1.OffsetInFrame(gref);
        // flags = GTF_permit_access | GTF_readonly = 0x0005, domid 0x0102, frame 0x0A0B0C0D.
        Assert.That(frame[at..(at + 8)], Is.EqualTo(new byte[] { 0x05, 0x00, 0x02, 0x01, 0x0D, 0x0C, 0x0B, 0x0A }));
    }

    [Test]
    public void TheEightReservedReferencesAreNeverHandedOut()
    {
        var client = new GrantTableClient(new FakeGuest().Hypercalls.Object);
        client.TryGrantForeignAccess(DomId.Dom0, new Gfn(1), readOnly: false, out GrantRef first);
        client.TryGrantForeignAccess(DomId.Dom0, new Gfn(2), readOnly: false, out GrantRef second);
        Assert.Multiple(() =>
        {
            Assert.That(first.Value, Is.EqualTo(GrantTableClient.ReservedEntries));
            Assert.That(second.Value, Is.EqualTo(GrantTableClient.ReservedEntries + 1));
        });
    }

    [Test]
    public void EndOfAccessIsRefusedWhileXenMarksTheEntryInUse()
    {
        var guest = new FakeGuest();
        var client = new GrantTableClient(guest.Hypercalls.Object);
        client.TryGrantForeignAccess(DomId.Dom0, new Gfn(3), readOnly: false, out GrantRef gref);
        byte[] frame = guest.PageAt(guest.Layout.GrantFramesStart);
        int at = GrantEntryV1.OffsetInFrame(gref);
        GrantEntryV1.CompareExchangeFlags(frame, at, GtfFlags.PermitAccess | GtfFlags.Reading | GtfFlags.Writing, GtfFlags.PermitAccess);

        Assert.Multiple(() =>
        {
            Assert.That(client.EndForeignAccess(gref), Is.False, "a mapped grant must not be revoked");
            Assert.That(client.InUse, Is.EqualTo(1));
        });

        GrantEntryV1.CompareExchangeFlags(frame, at, GtfFlags.PermitAccess, GtfFlags.PermitAccess | GtfFlags.Reading | GtfFlags.Writing);
        Assert.Multiple(() =>
        {
            Assert.That(client.EndForeignAccess(gref), Is.True);
            Assert.That(client.Flags(gref), Is.EqualTo(GtfFlags.Invalid));
            Assert.That(client.InUse, Is.Zero);
        });
    }

    [Test]
    public void TheTableGrowsByAFrameWhenFullAndStopsAtTheLimit()
    {
        var guest = new FakeGuest(maxGrantFrames: 2);
        var client = new GrantTableClient(guest.Hypercalls.Object);
        int granted = 0;
        while (client.TryGrantForeignAccess(DomId.Dom0, new Gfn(1), readOnly: true, out _))
        {
            granted++;
        }

        Assert.Multiple(() =>
        {
            Assert.That(granted, Is.EqualTo((2 * GrantEntryV1.EntriesPerFrame) - (int)GrantTableClient.ReservedEntries));
            Assert.That(client.Capacity, Is.EqualTo(1024u));
            Assert.That(guest.SetupCalls, Is.EqualTo(3), "boot, growth to 2 frames, refused growth to 3");
        });
    }

    [Test]
    public void EndingAReferenceNotGrantedIsAKernelBug()
    {
        var client = new GrantTableClient(new FakeGuest().Hypercalls.Object);
        Assert.That(() => client.EndForeignAccess(new GrantRef(20)), Throws.ArgumentException);
    }
}
