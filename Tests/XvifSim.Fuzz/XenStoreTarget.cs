using XvifSim.Emulator.Domains;
using XvifSim.Host.Toolstack;
using XvifSim.Public;
using XvifSim.Public.XenStore;

namespace XvifSim.Fuzz;

/// <summary>
/// Bytes a guest writes into its XenStore ring, served by the real
/// xenstored (ring reader, header and payload checks, the core's handling).
/// Input: one mode byte, then the request stream, any number of xsd_sockmsg
/// messages back to back (xs_wire.h). Mode bit 0 picks dom0's ring
/// (privileged) over a guest's; bits 1-7, when not 0, are how many bytes the
/// guest pushes per notification, so messages arrive split across passes.
///
/// Findings: any exception, an internal error xenstored logs, a domain
/// crash, a reply that does not answer the next request in order (req_id,
/// tx_id, its type or ERROR with a known errno name), a missing reply (on a
/// healthy ring), a ring error other than XENSTORE_ERROR_PROTO for an
/// oversized payload, a server that stops reading while the ring is
/// healthy, and a guest that leaves a watch, transaction or connection
/// behind once destroyed.
///
/// A guest's run gets a new domain on a kept machine, destroyed afterwards
/// with its home removed (xl destroy), which leaves the store as it was; a
/// run on dom0's ring, which can change anything, gets a machine of its own.
/// </summary>
public sealed class XenStoreTarget : IFuzzTarget
{
    public const string TargetName = "xenstore";

    /// <summary>Scheduler time for one service pass to finish (it takes microseconds).</summary>
    private static readonly TimeSpan Pass = TimeSpan.FromMilliseconds(1);

    private StoreBed? _kept;

    public string Name => TargetName;

    public void Run(ReadOnlySpan<byte> input)
    {
        // An empty input is a guest that sends nothing: it still starts and
        // ends a guest. (SharpFuzz may read the first input before afl-fuzz
        // has written it; afl-fuzz then needs that run to reach the product.)
        byte mode = input.IsEmpty ? (byte)0 : input[0];
        ReadOnlySpan<byte> stream = input.IsEmpty ? [] : input[1..];
        bool privileged = (mode & 1) != 0;
        if (privileged)
        {
            // Dom0's requests about domains (GET_DOMAIN_PATH, RELEASE, ...) concern a live guest 1.
            using var bed = new StoreBed();
            Domain guest = bed.Machine.CreateDomain(new DomainConfig("guest1"));
            DomainDirectories.WriteGuest(bed.Toolstack, guest.Id, "guest1");
            Serve(bed, bed.Machine.Dom0, mode, stream);
            return;
        }

        _kept ??= new StoreBed();
        bool finished = false;
        try
        {
            RunGuest(_kept, mode, stream);
            finished = true;
        }
        finally
        {
            if (!finished)
            {
                // A finding midway leaves the kept machine in an unknown state.
                _kept.Dispose();
                _kept = null;
            }
        }
    }

    public void Dispose() => _kept?.Dispose();

    private static void RunGuest(StoreBed bed, byte mode, ReadOnlySpan<byte> stream)
    {
        Domain guest = bed.Machine.CreateDomain(new DomainConfig("guest1"));
        DomainDirectories.WriteGuest(bed.Toolstack, guest.Id, "guest1");
        var baseline = bed.Held;
        Serve(bed, guest, mode, stream);

        // xl destroy: the guest's connection goes, and everything it held with it.
        bed.Machine.DestroyDomain(guest.Id);
        bed.Machine.Scheduler.RunFor(Pass);
        var expected = (baseline.Connections - 1, baseline.Watches, baseline.Transactions);
        Check(bed.Held == expected, $"after destroy (connections, watches, transactions) = {bed.Held}, expected {expected}");
        Check(bed.Toolstack.Rm($"/local/domain/{guest.Id.Value}") == Errno.Ok, "the toolstack could not remove the guest's home");
        Check(bed.Toolstack.Rm($"/vm/{DomainDirectories.Uuid(guest.Id)}") == Errno.Ok, "the toolstack could not remove the guest's /vm");
    }

    /// <summary>Feeds the request stream to <paramref name="client"/>'s ring and checks every answer.</summary>
    private static void Serve(StoreBed bed, Domain client, byte mode, ReadOnlySpan<byte> stream)
    {
        int chunk = mode >> 1;
        List<XsdSockmsg> requests = XsRequestStream.Split(stream, out bool oversized);
        var ring = new XsGuestRing(client);
        var replies = new ReplyChecker(requests);
        Feed(bed, ring, stream, chunk, replies);

        Check(bed.InternalErrors.Count == 0, string.Join(" | ", bed.InternalErrors));
        Check(bed.Machine.Domains.All(d => d.State == DomainState.Running), "a domain crashed");
        XenstoreRingError expected = oversized ? XenstoreRingError.Proto : XenstoreRingError.None;
        Check(ring.Error == expected, $"ring error {ring.Error}, expected {expected}");

        // On a protocol error the server drops what it had queued (C's
        // ignore_connection), so only a healthy ring owes every reply.
        Check(oversized ? replies.Answered <= requests.Count : replies.Answered == requests.Count,
            $"{replies.Answered} replies to {requests.Count} requests");
    }

    /// <summary>Pushes the stream as a guest does, serving and draining replies until everything is answered.</summary>
    private static void Feed(StoreBed bed, XsGuestRing ring, ReadOnlySpan<byte> stream, int chunk, ReplyChecker replies)
    {
        int pushed = 0;
        while (ring.Error == XenstoreRingError.None)
        {
            int n = Math.Min(Math.Min(ring.Free, stream.Length - pushed), chunk == 0 ? int.MaxValue : chunk);
            if (n > 0)
            {
                Check(ring.Push(stream.Slice(pushed, n)) == Errno.Ok, "EVTCHNOP_send on the store port failed");
                pushed += n;
            }

            uint consBefore = ring.ReqCons;
            bed.Machine.Scheduler.RunFor(Pass);

            // The guest reads rsp[] and notifies, so a server waiting for space writes more.
            while (ring.Take(replies.Check))
            {
                Check(ring.Notify() == Errno.Ok, "EVTCHNOP_send on the store port failed");
                bed.Machine.Scheduler.RunFor(Pass);
            }

            if (pushed == stream.Length && replies.Answered == replies.Expected)
            {
                return;
            }

            // Requests waiting, replies all read, no error: the server must have read something.
            Check(n > 0 || ring.ReqCons != consBefore || ring.Error != XenstoreRingError.None,
                $"the server stopped reading at req_cons {ring.ReqCons} with {stream.Length - pushed} bytes unsent");
        }
    }

    private static void Check(bool holds, string what) => FuzzFinding.Check(holds, what);
}
