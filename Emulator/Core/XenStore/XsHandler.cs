namespace XvifSim.Emulator.XenStore;

/// <summary>
/// The part of a request that runs under the core's lock. READ and WRITE
/// implement it as ref structs that carry the request's path and value as
/// spans of the request itself, so they reach the tree without a string,
/// a closure or a copy; the other requests wrap a delegate.
/// </summary>
internal interface IXsHandler
{
    XsReply Run(XsOp op);
}
