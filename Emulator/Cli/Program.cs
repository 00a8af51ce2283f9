using XvifSim.Cli;

return XvifSimCommand.Create().Parse(args).Invoke();
