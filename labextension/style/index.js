import './base.css';
import './keyboard.css';
import './large.css';
