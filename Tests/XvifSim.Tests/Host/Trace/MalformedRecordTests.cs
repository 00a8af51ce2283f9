using XvifSim.Host.Captures;
using XvifSim.Public;
using XvifSim.Public.Trace;
using XvifSim.Public.XenStore;
using XvifSim.Public.Xenbus;

namespace XvifSim.Tests.Host.Trace;

/// <summary>
/// Records the dissector cannot read whole (cut short, lying about their
/// length, of an unknown type) are shown as malformed XvifSim records, each
/// with the reason, and the good record beside them still decodes: never a
/// Lua error.
/// </summary>
public class MalformedRecordTests
{
    private string _file = "";

    [SetUp]
    public void MakeFile() => _file = Path.Combine(Directory.CreateTempSubdirectory("xvifsim-malformed-").FullName, "bad.pcapng");

    [TearDown]
    public void RemoveFile() => Directory.Delete(Path.GetDirectoryName(_file)!, recursive: true);

    [Test]
    public void EachBadRecordIsMalformedAndTheGoodOneDecodes()
    {
        Span<byte> buffer = stackalloc byte[TraceRecord.MaxSize];
        byte[] good = buffer[..TraceRecord.FormatEvtchn(buffer, new DomId(1), TraceEvtchnOp.Send, new EvtchnPort(5), new DomId(0), new EvtchnPort(9), Errno.Ok)].ToArray();
        byte[] xs = buffer[..TraceRecord.FormatXsMessage(buffer, new DomId(1), TraceXsDirection.Request, TraceXsTransport.Ring, 0, XsdSockmsgType.Write, 7, 0, "device/vif/0/state\04"u8)].ToArray();
        byte[] ring = buffer[..TraceRecord.FormatRingEntry(buffer, new DomId(1), TraceRingKind.NetifTx, TraceRingEnd.Frontend, TraceRingAction.RequestPushed, new RingIndex(3), 3, [1, 2])].ToArray();
        byte[] xenbus = buffer[..TraceRecord.FormatXenbusState(buffer, new DomId(1), TraceRingEnd.Frontend, new DomId(0), XenbusState.Initialising, XenbusState.Initialised, Errno.Ok, "/local/domain/1/device/vif/0")].ToArray();
        byte[] lyingPath = [.. xenbus];
        lyingPath[24] = 0xFF; // path length 255 in a record that holds 28 path bytes
        byte[] unknown = [.. good];
        unknown[1] = 99;
        byte[] cutXs = xs[..^5]; // the header still says the whole length

        byte[][] records = [good, [1, 8, 0], cutXs, ring, lyingPath, unknown];
        using (var writer = new PcapngWriter(File.Create(_file), "XvifSim test"))
        {
            uint id = writer.AddInterface("hypervisor", "crafted records", [], TraceRecord.MaxSize, PcapngTraceSink.LinkTypeUser0);
            ulong now = 0;
            foreach (byte[] record in records)
            {
                writer.WritePacket(id, () => ++now, record, inbound: null);
            }
        }

        List<TraceRow> rows = TraceRecords.Read(_file, "frame");
        Assert.That(rows, Has.Count.EqualTo(records.Length));
        Assert.Multiple(() =>
        {
            Assert.That(rows[0]["_ws.col.Info"], Is.EqualTo("dom1 EVTCHNOP_send port 5 -> dom0 port 9: OK"));
            Assert.That(rows[0]["_ws.expert.message"], Does.Not.Contain("Malformed"));
            string[] reasons =
            [
                "shorter than the 8-byte header",
                $"{cutXs.Length} bytes, the header says {xs.Length}",
                "tx request entry of 2 bytes, 12 needed",
                "xenbus path longer than the record",
                "unknown record type 99",
            ];
            for (int i = 0; i < reasons.Length; i++)
            {
                Assert.That(rows[i + 1]["_ws.expert.message"], Does.Contain("Malformed XvifSim trace record: " + reasons[i]), rows[i + 1].ToString());
                Assert.That(rows[i + 1]["_ws.col.Info"], Does.StartWith("[Malformed XvifSim trace record"), rows[i + 1].ToString());
            }
        });
    }
}
