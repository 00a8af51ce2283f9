using XvifSim.Host.Captures;
using XvifSim.Public.Netif;
using XvifSim.Tests.Host.Trace;

namespace XvifSim.Tests.Hostile;

/// <summary>
/// A hostile guest's TX requests, traced into a pcapng and read by tshark
/// with tools/wireshark/xvifsim.lua: the expert info names the errors the
/// backend answered (the failed grant copy's GNTST and the NETIF_RSP it
/// sent back), on the response of the request that caused them.
/// </summary>
public class HostileTraceTests
{
    private string _file = "";

    [SetUp]
    public void MakeFile() => _file = Path.Combine(Directory.CreateTempSubdirectory("xvifsim-hostile-trace-").FullName, "hostile.pcapng");

    [TearDown]
    public void RemoveFile() => Directory.Delete(Path.GetDirectoryName(_file)!, recursive: true);

    [Test]
    public void TheExpertInfoNamesTheErrorsTheBackendAnswered()
    {
        HostileBed? bed = null;
        using (var writer = new PcapngWriter(File.Create(_file), "XvifSim hostile test"))
        {
            var sink = new PcapngTraceSink(writer, () => bed?.H.Machine.Scheduler.NowNs ?? 0);
            using (bed = new HostileBed(trace: sink))
            {
                bed.Hostile.SendForeignGref(bed.Healthy.DomId);
                bed.Hostile.SendSlot(4000, 200, id: 3);
                List<NetifTxResponse> answered = bed.Hostile.Take(2);
                Assert.That(answered.Select(r => r.Status), Is.EqualTo(new[] { NetifRsp.Error, NetifRsp.Error }));
            }
        }

        List<TraceRow> errors = TraceRecords.Read(_file, "netif.rsp_error || gnttab.failed");
        string experts = string.Join('\n', errors.Select(r => r["_ws.expert.message"]));
        Assert.Multiple(() =>
        {
            Assert.That(experts, Does.Contain("TX response id 1: NETIF_RSP_ERROR"), "the foreign gref's answer");
            Assert.That(experts, Does.Contain("TX response id 3: NETIF_RSP_ERROR"), "the page-crossing slot's answer");
            Assert.That(experts, Does.Match("GNTTABOP_copy: GNTST_[a-z_]+"), "the failed copy of the foreign gref");
            Assert.That(errors.Where(r => r["netif.action"] == "response pushed").Select(r => r.Has("netif.request_in")), Is.All.True, "each error answers a request the trace shows");
        });
    }
}
