using System.Globalization;
using System.Text;
using XvifSim.Emulator.XenStore;
using XvifSim.Public;
using XvifSim.Public.XenStore;

namespace XvifSim.Tests.Core.XenStore;

/// <summary>A connection whose sink records every message, with helpers that build xs_wire payloads.</summary>
internal sealed class XsTestClient
{
    private readonly XenStoreCore _core;
    private readonly List<XsMessage> _received = [];
    private uint _nextReqId = 100;

    public XsTestClient(XenStoreCore core, DomId domain, bool privileged)
    {
        _core = core;
        Connection = core.Connect(domain, privileged, (type, reqId, txId, payload) =>
        {
            lock (_received)
            {
                _received.Add(new XsMessage(type, reqId, txId, payload.ToArray()));
            }
        });
    }

    public XsConnection Connection { get; }

    /// <summary>Everything received so far, in order.</summary>
    public IReadOnlyList<XsMessage> Received
    {
        get
        {
            lock (_received)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>The watch events received so far, as "path token" strings.</summary>
    public List<string> Events =>
        [.. Received.Where(m => m.Type == XsdSockmsgType.WatchEvent).Select(m => string.Join(' ', m.Strings))];

    public void Clear()
    {
        lock (_received)
        {
            _received.Clear();
        }
    }

    /// <summary>Joins strings, each followed by a NUL, as xs_wire payloads are.</summary>
    public static byte[] Args(params string[] strings) =>
        Encoding.Latin1.GetBytes(string.Concat(strings.Select(s => s + "\0")));

    /// <summary>Sends one request and returns its reply (the one message echoing its req_id that is not an event).</summary>
    public XsMessage Send(XsdSockmsgType type, byte[] payload, uint txId = 0)
    {
        uint reqId = _nextReqId++;
        int before = Received.Count;
        _core.Process(Connection, type, reqId, txId, payload);
        return Received.Skip(before).Single(m => m.ReqId == reqId && m.Type != XsdSockmsgType.WatchEvent);
    }

    public XsMessage Read(string path, uint tx = 0) => Send(XsdSockmsgType.Read, Args(path), tx);

    public XsMessage Write(string path, string value, uint tx = 0) =>
        Send(XsdSockmsgType.Write, [.. Args(path), .. Encoding.Latin1.GetBytes(value)], tx);

    public XsMessage Mkdir(string path, uint tx = 0) => Send(XsdSockmsgType.Mkdir, Args(path), tx);

    public XsMessage Rm(string path, uint tx = 0) => Send(XsdSockmsgType.Rm, Args(path), tx);

    public XsMessage Directory(string path, uint tx = 0) => Send(XsdSockmsgType.Directory, Args(path), tx);

    public XsMessage GetPerms(string path, uint tx = 0) => Send(XsdSockmsgType.GetPerms, Args(path), tx);

    public XsMessage SetPerms(string path, params string[] perms) => Send(XsdSockmsgType.SetPerms, Args([path, .. perms]));

    public XsMessage Watch(string path, string token) => Send(XsdSockmsgType.Watch, Args(path, token));

    public XsMessage Unwatch(string path, string token) => Send(XsdSockmsgType.Unwatch, Args(path, token));

    /// <summary>Starts a transaction and returns its id.</summary>
    public uint Start()
    {
        XsMessage reply = Send(XsdSockmsgType.TransactionStart, Args(string.Empty));
        Assert.That(reply.Type, Is.EqualTo(XsdSockmsgType.TransactionStart), reply.ToString());
        return uint.Parse(reply.Strings[0], CultureInfo.InvariantCulture);
    }

    public XsMessage End(uint tx, bool commit) => Send(XsdSockmsgType.TransactionEnd, Args(commit ? "T" : "F"), tx);
}
