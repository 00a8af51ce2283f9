using XvifSim.Emulator;
using XvifSim.Emulator.Domains;
using XvifSim.Emulator.Scheduling;
using XvifSim.Emulator.XenStore;
using XvifSim.Public;
using XvifSim.Public.XenStore;
using XvifSim.Tests.Core.XenStore;

namespace XvifSim.Tests.Outside;

/// <summary>
/// XS_CONTROL and XS_INTRODUCE through the Unix socket, as C xenstored's
/// do_control (tools/xenstored/control.c) and do_introduce (domain.c) answer
/// them. Debian's xenstore-control is only a wrapper for the Xen host tools,
/// so a raw xs_wire client sends the requests.
/// </summary>
public class XenstoreControlTests
{
    private Machine _machine = null!;
    private XsSocketServer _server = null!;
    private string _socket = null!;
    private XsRawSocket _client = null!;
    private readonly List<string> _logged = [];

    private XenStoreCore Core => _machine.XenStore.Core;

    [SetUp]
    public void Start()
    {
        _machine = new Machine(new DeterministicScheduler(1));
        _machine.XenStore.Logged += line =>
        {
            lock (_logged)
            {
                _logged.Add(line);
            }
        };
        _socket = Path.Combine(Path.GetTempPath(), $"xvifsim-{Guid.NewGuid():N}.sock");
        _server = new XsSocketServer(Core, _socket);
        _client = new XsRawSocket(_socket);
    }

    [TearDown]
    public void Stop()
    {
        _client?.Dispose();
        _server?.Dispose();
        _machine?.Dispose();
    }

    [Test]
    public void HelpListsTheCommandsInCsFormat()
    {
        XsMessage help = Control("help");
        Assert.That((help.Type, help.Text), Is.EqualTo((XsdSockmsgType.Control,
            "print           <string>\n" +
            "quota           [set <name> <val>|<domid>|max [-r]]\n" +
            "quota-soft      [set <name> <val>]\n" +
            "help            \n\0")), help.ToString());
        Assert.That(Control("help", "me").ErrorName, Is.EqualTo("EINVAL"));
    }

    [Test]
    public void PrintWritesItsStringToTheLogAndAnswersOk()
    {
        XsMessage print = Control("print", "hello from the test");
        Assert.Multiple(() =>
        {
            Assert.That((print.Type, print.Text), Is.EqualTo((XsdSockmsgType.Control, "OK\0")), print.ToString());
            lock (_logged)
            {
                Assert.That(_logged, Does.Contain("control: hello from the test"));
            }

            Assert.That(Control("print").ErrorName, Is.EqualTo("EINVAL"), "print needs its string");
            Assert.That(Control("print", "a", "b").ErrorName, Is.EqualTo("EINVAL"), "and only one");
        });
    }

    [Test]
    public void QuotaListsTheLimitsWithCsNamesAndFormat()
    {
        XsMessage quota = Control("quota");
        Assert.That((quota.Type, quota.Text), Is.EqualTo((XsdSockmsgType.Control,
            "Quota settings:\n" +
            "nodes            :     1000 Nodes per domain\n" +
            "watches          :      128 Watches per domain\n" +
            "transactions     :       10 Active transactions per domain\n" +
            "node-permissions :        5 Max. number of permissions per node\n" +
            "path-max         :     2048 Max. length of a node path\n" +
            "node-size        :     2048 Max. size of a node\n\0")), quota.ToString());
    }

    [Test]
    public void QuotaSetChangesTheLimitAGuestMeets()
    {
        Domain guest = _machine.CreateDomain(new DomainConfig("guest1"));
        var ring = new XsTestClient(Core, guest.Id, privileged: false);
        XsAssert.IsOk(ring.Watch("/local/domain/1/a", "t1"), XsdSockmsgType.Watch);

        XsMessage set = Control("quota", "set", "watches", "1");
        XsMessage listed = Control("quota");

        Assert.Multiple(() =>
        {
            Assert.That(set.Text, Is.EqualTo("OK\0"), set.ToString());
            Assert.That(listed.Text, Does.Contain("watches          :        1 Watches per domain\n"));
            Assert.That(Core.Quotas.Watches, Is.EqualTo(1));
            XsAssert.IsError(ring.Watch("/local/domain/1/b", "t2"), "E2BIG");
        });
    }

    [TestCase("set", "watches", "0", TestName = "QuotaSetBelowOneIsEinval")]
    [TestCase("set", "watches", "many", TestName = "QuotaSetOfANonNumberIsEinval")]
    [TestCase("set", "memory", "5", TestName = "QuotaSetOfALimitNotKeptIsEinval")]
    [TestCase("set", "watches", TestName = "QuotaSetWithoutAValueIsEinval")]
    [TestCase("max", TestName = "QuotaMaxIsEinvalForNoMaximaAreKept")]
    [TestCase("1", TestName = "QuotaOfADomainIsEinvalForNoMaximaAreKept")]
    public void MalformedOrUnsupportedQuotaRequestsAreEinval(params string[] args)
    {
        Assert.That(Control(["quota", .. args]).ErrorName, Is.EqualTo("EINVAL"));
        Assert.That(Core.Quotas, Is.EqualTo(new XsQuotas()), "nothing changed");
    }

    [Test]
    public void QuotaSoftListsNoneAndSetsNone()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Control("quota-soft").Text, Is.EqualTo("Quota settings:\n\0"));
            Assert.That(Control("quota-soft", "set", "memory", "5").ErrorName, Is.EqualTo("EINVAL"));
            Assert.That(Control("quota-soft", "show").ErrorName, Is.EqualTo("EINVAL"));
        });
    }

    [TestCase("bogus")]
    [TestCase("log")]
    [TestCase("check")]
    [TestCase("live-update")]
    [TestCase("memreport")]
    [TestCase("")]
    public void CommandsNotOfferedAnswerAsAnUnknownCommandDoesInC(string command) =>
        Assert.That(Control(command).ErrorName, Is.EqualTo("EINVAL"));

    [Test]
    public void ControlWithNoStringIsEinval()
    {
        Assert.That(_client.Request(XsdSockmsgType.Control, []).ErrorName, Is.EqualTo("EINVAL"));
        Assert.That(_client.Request(XsdSockmsgType.Control, "help"u8.ToArray()).ErrorName, Is.EqualTo("EINVAL"));
    }

    [Test]
    public void IntroducingADomainXenDoesNotKnowIsEinvalAndLeavesItUnintroduced()
    {
        XsMessage unknown = _client.Request(XsdSockmsgType.Introduce, XsTestClient.Args("9", "1234", "5"));
        XsMessage asked = _client.Request(XsdSockmsgType.IsDomainIntroduced, XsTestClient.Args("9"));

        Assert.Multiple(() =>
        {
            Assert.That(unknown.ErrorName, Is.EqualTo("EINVAL"), unknown.ToString());
            Assert.That(asked.Text, Is.EqualTo("F\0"));
            Assert.That(Core.IsIntroduced(new DomId(9)), Is.False);
        });
    }

    [Test]
    public void IntroducingADomainXenKnowsIsOk()
    {
        Domain guest = _machine.CreateDomain(new DomainConfig("guest1"));
        XsMessage again = _client.Request(XsdSockmsgType.Introduce, XsTestClient.Args(guest.Id.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), "1234", "5"));
        Assert.That(again.Text, Is.EqualTo("OK\0"), again.ToString());
        Assert.That(Core.IsIntroduced(guest.Id), Is.True);
    }

    private XsMessage Control(params string[] args) => _client.Request(XsdSockmsgType.Control, XsTestClient.Args(args));
}
