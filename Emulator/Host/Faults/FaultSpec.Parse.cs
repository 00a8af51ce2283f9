using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using XvifSim.Public;
using XvifSim.Public.Events;
using XvifSim.Public.Grants;
using XvifSim.Public.XenStore;
using XvifSim.Public.Xenbus;

namespace XvifSim.Host.Faults;

/// <summary>Parsing a spec's text.</summary>
public sealed partial record FaultSpec
{
    /// <summary>The longest <c>ms=</c>: a day of scheduler time.</summary>
    public const long MaxDelayMs = 86_400_000;

    private static readonly (string Name, FaultKind Kind, string[] Required, string[] Optional)[] Kinds =
    [
        ("gnttab-map", FaultKind.GnttabMap, ["dom", "status"], ["peer", "nth", "count"]),
        ("gnttab-copy", FaultKind.GnttabCopy, ["dom", "status"], ["peer", "nth", "count"]),
        ("xs", FaultKind.XenStore, ["op", "error"], ["path", "dom", "nth", "count"]),
        ("evtchn-drop", FaultKind.EvtchnDrop, ["dom", "port"], ["nth", "count"]),
        ("evtchn-delay", FaultKind.EvtchnDelay, ["dom", "port", "ms"], ["nth", "count"]),
        ("hotplug-fail", FaultKind.HotplugFail, ["dom"], ["vif"]),
        ("hotplug-late", FaultKind.HotplugLate, ["dom", "ms"], ["vif"]),
        ("crash", FaultKind.Crash, ["dom", "end", "state"], ["vif"]),
    ];

    /// <summary>The kinds' names, as a spec spells them.</summary>
    public static IEnumerable<string> KindNames => Kinds.Select(k => k.Name);

    /// <summary>
    /// Parses one spec, <c>KIND:key=value,key=value,...</c>:
    /// <list type="bullet">
    /// <item><c>gnttab-map:dom=D,status=GNTST_x[,peer=P][,nth=N][,count=C]</c> and the same for <c>gnttab-copy</c>: grant operations D issues (on grants of P) answer GNTST_x.</item>
    /// <item><c>xs:op=OP,error=E[,path=PATTERN][,dom=D][,nth=N][,count=C]</c>: XenStore requests OP (XS_WRITE or WRITE, ...) on a path matching PATTERN (<c>*</c> matches anything, / included; default <c>*</c>) from D (default: any client) answer errno E (EAGAIN, ENOSPC, EQUOTA, EACCES, ENOENT, ... of xs_wire.h).</item>
    /// <item><c>evtchn-drop:dom=D,port=P[,nth=N][,count=C]</c>: sends D makes on its port P are lost.</item>
    /// <item><c>evtchn-delay:dom=D,port=P,ms=M[,nth=N][,count=C]</c>: sends D makes on its port P raise the peer M ms later.</item>
    /// <item><c>hotplug-fail:dom=D[,vif=V]</c>: the hotplug script of D's vif V (default 0) fails on add.</item>
    /// <item><c>hotplug-late:dom=D,ms=M[,vif=V]</c>: it starts M ms late.</item>
    /// <item><c>crash:dom=D,end=frontend|backend,state=S[,vif=V]</c>: when that end's state node of D's vif V reads S (a number or a name such as Connected), that end's domain crashes.</item>
    /// </list>
    /// <c>nth</c> defaults to 1 and <c>count</c> to 1 (<c>count=all</c>: every match from the nth on).
    /// </summary>
    /// <exception cref="FormatException">The text is no valid spec; the message says what is wrong.</exception>
    public static FaultSpec Parse(string text) =>
        TryParse(text, out FaultSpec? spec, out string? error) ? spec : throw new FormatException($"'{text}': {error}");

    /// <summary>As <see cref="Parse"/>, returning a one-line <paramref name="error"/> naming what is wrong instead of throwing.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out FaultSpec? spec, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        spec = null;
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            error = $"expected KIND:key=value,... (kinds: {string.Join(", ", KindNames)})";
            return false;
        }

        string kindName = text[..colon];
        int kindIndex = Array.FindIndex(Kinds, k => k.Name == kindName);
        if (kindIndex < 0)
        {
            error = $"unknown fault kind '{kindName}' (kinds: {string.Join(", ", KindNames)})";
            return false;
        }

        (_, FaultKind kind, string[] required, string[] optional) = Kinds[kindIndex];
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        string body = text[(colon + 1)..];
        foreach (string pair in body.Length == 0 ? [] : body.Split(','))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            string key = eq < 0 ? pair : pair[..eq];
            if (eq <= 0 || eq == pair.Length - 1)
            {
                error = $"expected key=value, not '{pair}'";
                return false;
            }

            if (!required.Contains(key) && !optional.Contains(key))
            {
                error = $"unknown key '{key}' for {kindName} (keys: {string.Join(", ", required.Concat(optional))})";
                return false;
            }

            if (!values.TryAdd(key, pair[(eq + 1)..]))
            {
                error = $"duplicate key '{key}'";
                return false;
            }
        }

        string? missing = required.FirstOrDefault(k => !values.ContainsKey(k));
        if (missing is not null)
        {
            error = $"missing key '{missing}' for {kindName} (needs: {string.Join(", ", required)})";
            return false;
        }

        var reader = new Reader(values);
        spec = new FaultSpec
        {
            Kind = kind,
            Text = text,
            Domain = reader.Domain("dom"),
            Peer = reader.Domain("peer"),
            Nth = reader.Number("nth", 1, long.MaxValue) ?? 1,
            Count = reader.Count() ?? 1,
            Status = reader.Status(),
            Op = reader.Op(),
            PathPattern = reader.Path(),
            Error = reader.Errno(),
            Port = reader.Number("port", 1, SharedInfoLayout.NrChannels - 1) is long port ? new EvtchnPort((uint)port) : default,
            Delay = reader.Number("ms", 1, MaxDelayMs) is long ms ? TimeSpan.FromMilliseconds(ms) : TimeSpan.Zero,
            Vif = (int)(reader.Number("vif", 0, int.MaxValue) ?? 0),
            End = reader.End(),
            State = reader.State(),
        };
        if (reader.Error is null && kind == FaultKind.XenStore && spec.PathPattern != "*" && !NamesPath(spec.Op))
        {
            reader.Fail($"path: {FaultNames.Of(spec.Op)} names no path; leave path out or use path=*");
        }

        error = reader.Error;
        if (error is not null)
        {
            spec = null;
            return false;
        }

        return true;
    }

    /// <summary>The request types whose first string is a path (XenStoreCore.Faults.cs matches only those against a pattern).</summary>
    private static bool NamesPath(XsdSockmsgType type) => type is XsdSockmsgType.Read or XsdSockmsgType.Write or XsdSockmsgType.Mkdir
        or XsdSockmsgType.Rm or XsdSockmsgType.Directory or XsdSockmsgType.DirectoryPart
        or XsdSockmsgType.GetPerms or XsdSockmsgType.SetPerms or XsdSockmsgType.Watch or XsdSockmsgType.Unwatch;

    /// <summary>Reads typed values from the pairs, keeping the first error.</summary>
    private sealed class Reader(Dictionary<string, string> values)
    {
        public string? Error { get; private set; }

        public void Fail(string message) => Error ??= message;

        public long? Number(string key, long min, long max)
        {
            if (!values.TryGetValue(key, out string? text))
            {
                return null;
            }

            if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long n) || n < min || n > max)
            {
                Fail($"{key}: '{text}' is not a whole number from {min} to {max}");
                return null;
            }

            return n;
        }

        public DomId? Domain(string key) =>
            Number(key, 0, DomId.FirstReserved - 1) is long id ? new DomId((ushort)id) : null;

        public long? Count() => values.TryGetValue("count", out string? text) && text == "all" ? All : Number("count", 1, long.MaxValue - 1);

        public GntSt Status() => Named("status", FaultNames.TryParseStatus, GntSt.Okay,
            () => $"a GNTST name other than GNTST_okay (grant_table.h: {string.Join(", ", FaultNames.FaultStatuses.Select(FaultNames.Of))})");

        public XsdSockmsgType Op() => Named("op", FaultNames.TryParseOp, XsdSockmsgType.Invalid,
            () => $"a XenStore request type (xs_wire.h: {string.Join(", ", FaultNames.RequestTypes.Select(FaultNames.Of))})");

        public Errno Errno() => Named<Errno>("error", FaultNames.TryParseErrno, Public.Errno.Ok,
            () => $"an errno name of xs_wire.h ({string.Join(", ", XsErrors.All.ToArray())}, or {FaultNames.EQuota})");

        public XenbusState State() => Named("state", FaultNames.TryParseState, XenbusState.Unknown,
            () => "a xenbus state (1 to 8, or Initialising, InitWait, Initialised, Connected, Closing, Closed, Reconfiguring, Reconfigured)");

        public FaultEnd End() => Named("end", TryParseEnd, FaultEnd.Frontend, () => "an end (frontend or backend)");

        public string Path()
        {
            if (!values.TryGetValue("path", out string? pattern))
            {
                return "*";
            }

            if (!pattern.StartsWith('/') && pattern != "*" && !pattern.StartsWith('@'))
            {
                Fail($"path: '{pattern}' is not absolute (begin with /, or use * alone)");
            }

            return pattern;
        }

        private static bool TryParseEnd(string text, out FaultEnd end) => Enum.TryParse(text, ignoreCase: true, out end) && Enum.IsDefined(end) && !char.IsDigit(text[0]);

        private delegate bool TryParser<T>(string text, out T value);

        private T Named<T>(string key, TryParser<T> parse, T none, Func<string> what)
        {
            if (!values.TryGetValue(key, out string? text))
            {
                return none;
            }

            if (!parse(text, out T value))
            {
                Fail($"{key}: '{text}' is not {what()}");
                return none;
            }

            return value;
        }
    }
}
