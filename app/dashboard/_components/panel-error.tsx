// What a panel shows instead of its data when that could not be loaded or rendered.

export function PanelError({ message, digest }: { message: string; digest?: string }) {
  return (
    <div className="panel-error" role="alert" data-testid="panel-error">
      <p>This panel could not load: {message}</p>
      <p className="small">
        {digest !== undefined && <>The server log has the details under digest {digest}. </>}
        The other panels are not affected; <a href="">reload the page</a> to try again.
      </p>
    </div>
  );
}
