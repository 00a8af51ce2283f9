namespace XvifSim.Emulator.XenStore;

/// <summary>A request whose locked part is a delegate (every request but READ and WRITE).</summary>
internal readonly struct XsFuncHandler(Func<XsOp, XsReply> run) : IXsHandler
{
    public XsReply Run(XsOp op) => run(op);
}
