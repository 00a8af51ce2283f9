using XvifSim.Cli;

return XvifSimCommand.Run(args);
