import { Link } from 'react-router-dom';
import { EmptyState } from '../components/states.js';

export function NotFoundView() {
  return (
    <div className="view">
      <EmptyState title="Page not found">
        <Link to="/">Back to the overview</Link>
      </EmptyState>
    </div>
  );
}
