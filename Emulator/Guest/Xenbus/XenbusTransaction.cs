namespace XvifSim.Guest.Xenbus;

/// <summary>An open XenStore transaction (xenbus_transaction_t): its id goes in every request's tx_id.</summary>
public readonly record struct XenbusTransaction(uint Id)
{
    /// <summary>XBT_NIL: no transaction.</summary>
    public static readonly XenbusTransaction Nil = new(0);
}
