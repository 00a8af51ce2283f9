using XvifSim.Public;
using XvifSim.Public.Netif;
using XvifSim.Public.Rings;

namespace XvifSim.Fuzz;

/// <summary>
/// A guest's TX ring, filled from the input and served by a real, connected
/// xvif instance (netif.h). The input is a list of records, each a tag byte
/// whose low two bits say what follows:
/// <list type="bullet">
/// <item>0, page: u16 length (at most 4096), then that many bytes for the
/// next of the 8 data pages, from offset 0 (pages start each run zeroed);</item>
/// <item>1, request: a page byte (below 0x80: data page n mod 8's grant;
/// otherwise a u32 grant reference follows, as the guest wrote it), then
/// offset, flags, id and size as u16s;</item>
/// <item>2, raw slot: 12 bytes put on the ring as they are (extra-info
/// segments, or anything);</item>
/// <item>3, push: RING_PUSH_REQUESTS, notify, let dom0 run, take the responses.</item>
/// </list>
/// A push follows the last record; fields past the end of the input read as
/// zeros. Slots past the ring's free space are not posted, as a frontend
/// waits for room.
///
/// Findings: any exception, a crashed domain, a response with an id or
/// status no request asked for, more responses than requests, requests left
/// unanswered by a vif that is still enabled, counters that do not
/// reconcile with the responses (if_ierrors + if_iqdrops = ERROR + DROPPED
/// slots; if_ipackets = frames handed up), and a data grant dom0 still has
/// in use (GTF_reading or GTF_writing) once it is idle.
///
/// The machine is kept between runs (building one costs a xenbus handshake)
/// and replaced once the vif disables itself, as Linux netback does for a
/// protocol violation (XSA-39), or after a finding, which leaves it in an
/// unknown state.
/// </summary>
public sealed class XvifTxTarget : IFuzzTarget
{
    public const string TargetName = "xvif-tx";

    private static readonly TimeSpan Pass = TimeSpan.FromMilliseconds(1);
    private VifBed? _bed;

    public string Name => TargetName;

    public void Run(ReadOnlySpan<byte> input)
    {
        if (_bed is null || _bed.Vif.IsDisabled)
        {
            _bed?.Dispose();
            _bed = new VifBed();
        }

        bool finished = false;
        try
        {
            Post(_bed, input);
            finished = true;
        }
        finally
        {
            if (!finished)
            {
                _bed.Dispose();
                _bed = null;
            }
        }
    }

    public void Dispose() => _bed?.Dispose();

    private static void Post(VifBed bed, ReadOnlySpan<byte> input)
    {
        var run = new TxRun(bed);
        foreach ((Memory<byte> page, _) in bed.Data)
        {
            page.Span.Clear();
        }

        var reader = new InputReader(input);
        Span<byte> raw = stackalloc byte[NetifTxRequest.Size];
        int nextPage = 0;
        while (!reader.AtEnd)
        {
            switch (reader.Byte() & 3)
            {
                case 0:
                    int length = Math.Min((int)reader.U16(), XenPage.Size);
                    reader.Bytes(bed.Data[nextPage++ % VifBed.DataPages].Page.Span[..length]);
                    break;
                case 1:
                    run.Post(Request(bed, ref reader));
                    break;
                case 2:
                    reader.Bytes(raw);
                    run.PostRaw(raw);
                    break;
                default:
                    run.Push(Pass);
                    break;
            }
        }

        run.Push(Pass);
    }

    private static NetifTxRequest Request(VifBed bed, ref InputReader reader)
    {
        byte page = reader.Byte();
        GrantRef gref = page < 0x80 ? bed.Data[page % VifBed.DataPages].Gref : new GrantRef(reader.U32());
        return new NetifTxRequest
        {
            Gref = gref,
            Offset = reader.U16(),
            Flags = (NetTxFlags)reader.U16(),
            Id = reader.U16(),
            PacketSize = reader.U16(),
        };
    }
}
